package io.pldr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pldr.api.config.Precision;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.Generator;
import io.pldr.eval.invariance.DeductiveReport;
import io.pldr.tf.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The paper's invariance measurements of A_LM and G_LM for a checkpoint. */
@Command(
    name = "deductive-report",
    mixinStandardHelpOptions = true,
    description = {
      "Measure how invariant A_LM and G_LM are across inputs.",
      "",
      "Per layer and head, in float64: RMSE across prompts, determinants, and cached (kv_g)"
          + " against uncached G_LM. Prints a table and writes JSON."
    })
final class DeductiveReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(
      names = "--prompts",
      required = true,
      paramLabel = "FILE",
      description = "UTF-8 text file, one prompt per line (at least two).")
  Path promptsFile;

  @Option(
      names = "--continuation",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "Greedy tokens after each prompt for the cached-vs-uncached comparison, 0 or more"
              + " (default: ${DEFAULT-VALUE}).")
  int continuation;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "JSON output (default: deductive-report.json beside --prompts).")
  Path json;

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--continuation", continuation, 0);
    List<String> prompts;
    try {
      prompts = StrictText.readAllLines(promptsFile).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw IoErrors.wrapped("read the prompts file (--prompts)", promptsFile, e);
    }
    if (prompts.size() < 2) {
      throw new IllegalArgumentException(
          promptsFile + ": needs at least two prompts, one per" + " line; found " + prompts.size());
    }
    Path target =
        json != null ? json : promptsFile.toAbsolutePath().resolveSibling("deductive-report.json");
    Outputs.checkFile(target, "the report", json != null ? "--json" : "beside --prompts");
    List<DeductiveReport.Row> rows;
    try (PretrainedModel model = checkpoint.loader().precision(Precision.FLOAT64).load()) {
      List<long[]> ids = new ArrayList<>();
      for (String p : prompts) {
        ids.add(Generator.promptIds(model.tokenizer(), p));
      }
      rows = DeductiveReport.measure(model.decoder(), ids, continuation);
    }
    var out = spec.commandLine().getOut();
    out.printf(
        "%d prompts, float64; RMSE across prompts averages all prompt pairs%n", prompts.size());
    out.printf(
        "%5s %4s %14s %14s %14s %14s %10s %16s%n",
        "layer",
        "head",
        "RMSE A_LM",
        "RMSE G_LM",
        "log|det A_LM|",
        "log|det G_LM|",
        "det G<0",
        "G cached-uncached");
    for (DeductiveReport.Row r : rows) {
      out.printf(
          "%5d %4d %14.6e %14.6e %14.4f %14.4f %10.2f %16.6e%n",
          r.layer(),
          r.head(),
          r.rmseALmAcrossPrompts(),
          r.rmseGLmAcrossPrompts(),
          r.meanLogAbsDetALm(),
          r.meanLogAbsDetGLm(),
          r.negativeDetGLmShare(),
          r.rmseGLmCachedVsUncached());
    }
    byte[] bytes =
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsBytes(
                Map.of(
                    "checkpoint",
                    checkpoint.toString(),
                    "prompts",
                    prompts,
                    "continuation",
                    continuation,
                    "precision",
                    "float64",
                    "rows",
                    rows));
    Outputs.write(
        "the report",
        target,
        () -> AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(bytes))));
    out.println("wrote " + target);
    out.flush();
    return 0;
  }
}
