package io.pldr.cli;

import io.pldr.api.config.TrainConfig;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.train.config.TrainConfigs;
import io.pldr.train.distributed.DataParallel;
import io.pldr.train.loop.Trainer;
import io.pldr.train.loop.TrainingSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Pretrains a PLDR-LLM from a training configuration. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrain a PLDR-LLM from a training configuration (text-format TrainConfig).",
      "",
      "Writes checkpoints, TensorBoard events (tensorboard/), metrics.jsonl and loss.png into"
          + " the configuration's out_dir; prints the final validation loss against the"
          + " corpus's unigram entropy and a few generated lines (docs/training.md).",
      "",
      "With --cluster and --task (or TF_CONFIG), this process is one worker of a data-parallel"
          + " run: each worker trains batch_size rows of every global batch of batch_size ×"
          + " workers, and the chief (task 0) writes what one process writes.",
      "Running several workers: docs/distributed.md"
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Training configuration, e.g. pldr-examples/configs/moby-dick-small.textproto.")
  Path config;

  @Option(
      names = "--resume",
      description =
          "Continue from the newest valid checkpoint in out_dir (start at step 0 if there is"
              + " none yet).")
  boolean resume;

  @Option(names = "--out", paramLabel = "DIR", description = "Override out_dir.")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Override steps.")
  Long steps;

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description =
          "Set a field of the configuration (repeatable), e.g. --set"
              + " optimizer.learning_rate=2e-3 (a nested field by its path). Applied in order,"
              + " before --out and --steps.")
  List<String> set = new ArrayList<>();

  @Mixin CacheDirOption cache;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    if (steps != null) {
      OptionChecks.atLeast("--steps", steps, 1);
    }
    TrainConfig c =
        TrainConfigs.read(
            config,
            set,
            "--set",
            b -> {
              if (out != null) {
                b.setOutDir(out.toString());
              }
              if (steps != null) {
                b.setSteps(steps);
              }
            });
    Outputs.checkFolder(
        Path.of(c.getOutDir()), "the run folder", out != null ? "--out" : "out_dir of " + config);
    Trainer trainer = PldrInjectors.forConfig(c.getModel()).getInstance(Trainer.class);
    Optional<DataParallel> parallel = cluster.start(System.getenv());
    TrainingSummary s = trainer.run(c, resume, cache.resolve(), parallel);
    var w = spec.commandLine().getOut();
    if (parallel.isPresent() && !parallel.get().cluster().isChief()) {
      w.printf(
          Locale.ROOT,
          "%ntask %d of %d: %s as a worker; final training loss %.4f nats/token; the chief (task"
              + " 0, %s) holds the checkpoints and the summary%n",
          parallel.get().task(),
          parallel.get().workers(),
          s.stepsThisRun() == 1 ? "1 step" : s.stepsThisRun() + " steps",
          s.trainLoss(),
          parallel.get().cluster().workers().get(0));
      w.flush();
      return 0;
    }
    if (s.stepsThisRun() == 0) {
      w.printf(
          Locale.ROOT,
          "nothing to train: the run is finished (%s is at step %d and the run has %d steps);"
              + " pass --steps N with N above %d to train further%n",
          s.checkpoint(),
          s.steps(),
          c.getSteps(),
          s.steps());
      w.flush();
      return 0;
    }
    w.printf("%n%s%n", trained(s));
    w.printf("final training loss:   %.4f nats/token%n", s.trainLoss());
    w.printf(
        "validation loss:       %.4f nats/token (accuracy %.3f, perplexity %.2f)%n",
        s.validationLoss(), s.validationAccuracy(), s.validationPerplexity());
    w.printf(
        "unigram entropy:       %.4f nats/token (a model that knows only token frequencies)%n",
        s.unigramEntropy());
    w.printf(
        "validation loss is %.4f nats/token below the unigram entropy%n",
        s.unigramEntropy() - s.validationLoss());
    w.printf("checkpoint: %s%nloss plot:  %s%n", s.checkpoint(), s.lossPlot());
    if (!s.samples().isEmpty()) {
      w.println("\ngenerated:");
      s.samples().forEach(line -> w.println("  " + line.replace("\n", " ").strip()));
    }
    w.flush();
    return 0;
  }

  /**
   * The summary's first line: the steps this run trained, and for a resumed run which of the whole
   * run's steps they were; time and tokens/s are this run's.
   */
  static String trained(TrainingSummary s) {
    String steps = s.stepsThisRun() == 1 ? "1 step" : s.stepsThisRun() + " steps";
    String which = "";
    if (s.resumed()) {
      which =
          s.stepsThisRun() == 1
              ? String.format(Locale.ROOT, " in this run (step %d of %d)", s.steps(), s.steps())
              : String.format(
                  Locale.ROOT,
                  " in this run (steps %d–%d of %d)",
                  s.startStep() + 1,
                  s.steps(),
                  s.steps());
    }
    return String.format(
        Locale.ROOT,
        "trained %s%s in %d s (%,.0f tokens/s)",
        steps,
        which,
        s.seconds(),
        s.tokensPerSecond());
  }
}
