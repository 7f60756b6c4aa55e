package io.pldr.cli;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.io.IoErrors;
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
      "Score a checkpoint on zero-shot benchmarks, with and without G-cache (and with a"
          + " G-cache file).",
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
      paramLabel = "FILE",
      description =
          "Also score with this G-cache file (pldr gcache): one fixed A_LM and G_LM for every"
              + " context, the setting g_cache_file.")
  Path gCacheFile;

  @Mixin ForeignGCacheOption foreignGCache;

  @Mixin WeightsOption weights;

  @Option(
      names = "--settings",
      paramLabel = "LIST",
      split = ",",
      hideParamSyntax = true,
      description =
          "Comma-separated settings to score: g_cache (each context's own G-cache), no_cache, g_cache_file"
              + " (needs --g-cache FILE); default: g_cache and no_cache, and g_cache_file with"
              + " --g-cache.")
  List<String> settingNames;

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
      description =
          "Where eval.json and eval.md go, checked to be writable before scoring (default:"
              + " ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    OptionChecks.atLeast("--limit", limit, 0);
    OptionChecks.atLeast("--batch", batch, 1);
    Outputs.checkFolder(out, "the eval report", "--out");
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
    List<String> chosenSettings = settings();
    PretrainedModel.Loader loader = checkpoint.loader().weights(weights.format());
    foreignGCache.apply(loader, gCacheFile);
    try (PretrainedModel model = loader.load();
        EvalProgressBar progress = EvalProgressBar.forEnvironment()) {
      CachedDecoder decoder = model.decoder();
      Tokenizer tokenizer = model.tokenizer();
      List<Evaluation.Setting> settings = new ArrayList<>();
      for (String name : chosenSettings) {
        settings.add(
            switch (name) {
              case G_CACHE ->
                  new Evaluation.Setting(
                      G_CACHE,
                      "G-cache (kv_g)",
                      new CachedDecoderEngine(
                          decoder,
                          tokenizer,
                          new CachedDecoderEngine.Options(true, batch, addBos)));
              case G_CACHE_FILE ->
                  new Evaluation.Setting(
                      G_CACHE_FILE,
                      "G-cache file (kv_g)",
                      new CachedDecoderEngine(
                          decoder,
                          tokenizer,
                          new CachedDecoderEngine.Options(true, batch, addBos),
                          model.gCache()));
              default ->
                  new Evaluation.Setting(
                      NO_CACHE,
                      "no cache",
                      new CachedDecoderEngine(
                          decoder,
                          tokenizer,
                          new CachedDecoderEngine.Options(false, batch, addBos)));
            });
      }
      report =
          new Evaluation(progress)
              .run(header(model.checkpoint(), model.config()), loaded, settings);
    }
    var printed = spec.commandLine().getOut();
    ReportWriter writer = new ReportWriter();
    printed.print(writer.markdown(report));
    List<Path> written;
    try {
      written = writer.write(report, out);
    } catch (IOException e) {
      throw IoErrors.wrapped("write the eval report in", out, e);
    }
    for (Path p : written) {
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

  private static final String G_CACHE = "g_cache";
  private static final String NO_CACHE = "no_cache";
  private static final String G_CACHE_FILE = "g_cache_file";

  /**
   * The chosen settings in the report's order: a G-cache setting first and no_cache second when
   * both kinds are chosen, so that the difference row is "with G-cache minus without"; g_cache_file
   * comes after g_cache (with both, the difference is g_cache's).
   */
  private List<String> settings() {
    List<String> names =
        settingNames == null
            ? gCacheFile == null
                ? List.of(G_CACHE, NO_CACHE)
                : List.of(G_CACHE, NO_CACHE, G_CACHE_FILE)
            : settingNames;
    List<String> known = List.of(G_CACHE, NO_CACHE, G_CACHE_FILE);
    for (String n : names) {
      if (!known.contains(n)) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + n
                + "' in --settings; known settings: "
                + String.join(", ", known));
      }
    }
    if (names.contains(G_CACHE_FILE) != (gCacheFile != null)) {
      throw new IllegalArgumentException(
          gCacheFile == null
              ? "the setting g_cache_file needs a G-cache file: --g-cache FILE"
              : "--g-cache " + gCacheFile + " is given but --settings leaves out g_cache_file");
    }
    List<String> ordered = new ArrayList<>();
    if (names.contains(G_CACHE)) {
      ordered.add(G_CACHE);
    } else if (names.contains(G_CACHE_FILE)) {
      ordered.add(G_CACHE_FILE);
    }
    if (names.contains(NO_CACHE)) {
      ordered.add(NO_CACHE);
    }
    if (names.contains(G_CACHE) && names.contains(G_CACHE_FILE)) {
      ordered.add(G_CACHE_FILE);
    }
    if (ordered.isEmpty()) {
      throw new IllegalArgumentException("--settings chooses no setting");
    }
    return ordered;
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
    options.put("settings", settings());
    if (gCacheFile != null) {
      options.put("g_cache_file", gCacheFile.toAbsolutePath().toString());
    }
    options.put("on_bad_line", OnBadLine.fromId(onBadLine).id());
    options.put("num_fewshot", 0);
    return Header.of(model, details, options, Instant.now().toString());
  }
}
