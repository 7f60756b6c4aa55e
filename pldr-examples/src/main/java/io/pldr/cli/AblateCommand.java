package io.pldr.cli;

import io.pldr.tf.inject.PldrInjectors;
import io.pldr.train.ablation.Ablation;
import io.pldr.train.ablation.AblationConfigs;
import io.pldr.train.ablation.AblationReport;
import io.pldr.train.ablation.AblationRunner;
import io.pldr.train.ablation.AblationTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains the variants of an ablation file and compares them in a table and a plot. */
@Command(
    name = "ablate",
    mixinStandardHelpOptions = true,
    description = {
      "Train the variants of an ablation file on the same data and compare them.",
      "",
      "An ablation file (text-format AblationConfig) names a base training configuration"
          + " and variants of it: operator, seed, any model or training field. Every variant"
          + " trains on the same data order for the same steps (docs/ablation.md).",
      "",
      "Each variant trains in out_dir/NAME; running again skips finished variants and"
          + " resumes an interrupted one. Writes table.md, table.csv and losses.png into"
          + " out_dir and prints the table."
    })
final class AblateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Ablation file, e.g. pldr-examples/configs/ablation-moby-dick.textproto.")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", description = "Override out_dir.")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Override steps of every variant.")
  Long steps;

  @Option(
      names = "--only",
      paramLabel = "NAME",
      split = ",",
      description =
          "Train only these variants (comma-separated); the table shows every" + " finished one.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description =
          "Change a field of every variant's training configuration, after the"
              + " file's overrides (repeatable), e.g. --set eval_batches=4.")
  List<String> set = new ArrayList<>();

  @Mixin CacheDirOption cache;

  @Override
  public Integer call() throws Exception {
    if (steps != null) {
      OptionChecks.atLeast("--steps", steps, 1);
    }
    Ablation ablation =
        AblationConfigs.read(
            config,
            b -> {
              if (out != null) {
                b.setOutDir(out.toString());
              }
              b.addAllOverrides(set);
              if (steps != null) {
                b.addOverrides("steps=" + steps);
              }
            });
    PrintWriter w = spec.commandLine().getOut();
    AblationRunner runner = new AblationRunner(PldrInjectors::forConfig, cache.resolve(), w);
    AblationReport report = runner.run(ablation, only);
    w.printf("%n%s%n", AblationTable.markdown(report.results()));
    w.printf(
        "table:  %s%ncsv:    %s%nlosses: %s%n", report.markdown(), report.csv(), report.plot());
    w.flush();
    return 0;
  }
}
