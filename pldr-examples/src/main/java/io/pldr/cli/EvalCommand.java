package io.pldr.cli;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.PretrainedModel;
import io.pldr.eval.engine.CachedDecoderEngine;
import io.pldr.eval.report.EvalReport;
import io.pldr.eval.report.Header;
import io.pldr.eval.report.ReportWriter;
import io.pldr.eval.report.SkippedLine;
import io.pldr.eval.run.Evaluation;
import io.pldr.eval.task.OnBadLine;
import io.pldr.eval.task.Task;
import io.pldr.eval.task.TaskData;
import io.pldr.eval.task.TaskReader;
import io.pldr.eval.task.TaskRegistry;
import io.pldr.tf.checkpoint.ModelFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Zero-shot benchmarks of a checkpoint, scored as lm-evaluation-harness scores them. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Score a checkpoint on zero-shot benchmarks, with and without G-cache.",
      "",
      "The benchmarks (ARC, HellaSwag, PIQA, SIQA, WinoGrande, OpenBookQA, TruthfulQA,"
          + " LAMBADA) are scored as lm-evaluation-harness v0.4.12 scores them.",
      "",
      "--data holds one JSON-lines file per task (arc_easy.jsonl, hellaswag.jsonl, ...; see"
          + " docs/evaluation.md for where each is published). Shows progress, prints the"
          + " paper's table (one column per task and the average) and writes eval.json and"
          + " eval.md."
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(
      names = "--tasks",
      defaultValue = "all",
      paramLabel = "LIST",
      description = "Comma-separated task names, or all (default: ${DEFAULT-VALUE}).")
  String tasks;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Folder with the tasks' JSON-lines files.")
  Path data;

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "First N documents of each task; 0: all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--batch",
      defaultValue = "8",
      paramLabel = "N",
      description = "Sequences per uncached forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--g-cache",
      negatable = true,
      description =
          "Only with G-cache (--g-cache) or only without (--no-g-cache); default:"
              + " both, and their difference.")
  Boolean gCache;

  @Option(
      names = "--on-bad-line",
      defaultValue = "stop",
      paramLabel = "stop|skip",
      description =
          "A malformed JSONL line stops the run or is skipped and reported"
              + " (default: ${DEFAULT-VALUE}).")
  String onBadLine;

  @Option(
      names = "--add-bos",
      description = "Begin every context with BOS (the harness's add_bos_token).")
  boolean addBos;

  @Option(
      names = "--out",
      defaultValue = "eval",
      paramLabel = "DIR",
      description = "Where eval.json and eval.md go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    OnBadLine policy = OnBadLine.fromId(onBadLine);
    List<Task> chosen = TaskRegistry.standard().resolve(tasks);
    TaskReader reader = new TaskReader(policy, limit);
    List<TaskData> loaded = new ArrayList<>();
    for (Task t : chosen) {
      loaded.add(reader.read(t, data));
    }
    var err = spec.commandLine().getErr();
    for (TaskData t : loaded) {
      t.skipped().forEach(e -> err.println("pldr eval: skipped " + e.getMessage()));
    }
    err.flush();

    EvalReport report;
    try (PretrainedModel model = checkpoint.loader().load();
        EvalProgressBar progress = EvalProgressBar.forEnvironment()) {
      CachedDecoder decoder = model.decoder();
      Tokenizer tokenizer = model.tokenizer();
      List<Evaluation.Setting> settings = new ArrayList<>();
      if (gCache == null || gCache) {
        settings.add(
            new Evaluation.Setting(
                "g_cache",
                "G-cache (kv_g)",
                new CachedDecoderEngine(
                    decoder, tokenizer, new CachedDecoderEngine.Options(true, batch, addBos))));
      }
      if (gCache == null || !gCache) {
        settings.add(
            new Evaluation.Setting(
                "no_cache",
                "no cache",
                new CachedDecoderEngine(
                    decoder, tokenizer, new CachedDecoderEngine.Options(false, batch, addBos))));
      }
      report =
          new Evaluation(progress)
              .run(header(model.checkpoint(), model.config()), loaded, settings);
    }
    var printed = spec.commandLine().getOut();
    ReportWriter writer = new ReportWriter();
    printed.print(writer.markdown(report));
    for (Path p : writer.write(report, out)) {
      printed.println("wrote " + p);
    }
    List<SkippedLine> skipped = report.skipped();
    if (!skipped.isEmpty()) {
      printed.println(
          skipped.size() + " malformed lines skipped (listed in " + ReportWriter.JSON_FILE + ")");
    }
    printed.flush();
    return 0;
  }

  private Header header(ModelFolder ckpt, ModelConfig config) {
    Path dir = ckpt.dir().toAbsolutePath().normalize();
    Path parent = dir.getParent();
    String model =
        parent != null
                && parent.getFileName() != null
                && parent.getFileName().toString().equals("checkpoints")
                && parent.getParent() != null
            ? parent.getParent().getFileName() + "/" + dir.getFileName()
            : String.valueOf(dir.getFileName());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("checkpoint", dir.toString());
    details.put("step", ckpt.state().getStep());
    details.put("num_layers", config.getNumLayers());
    details.put("d_model", config.getDModel());
    details.put("num_heads", config.getNumHeads());
    details.put("vocab_size", config.getVocabSize());
    details.put("max_seq_len", config.getMaxSeqLen());
    details.put("tensor_operator", config.getTensorOperator().getName());
    details.put("precision", config.getPrecision().name().toLowerCase(Locale.ROOT));
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("tasks", tasks);
    options.put("data", data.toAbsolutePath().toString());
    options.put("limit", limit);
    options.put("batch", batch);
    options.put("add_bos", addBos);
    options.put("on_bad_line", OnBadLine.fromId(onBadLine).id());
    options.put("num_fewshot", 0);
    return Header.of(model, details, options, Instant.now().toString());
  }
}
