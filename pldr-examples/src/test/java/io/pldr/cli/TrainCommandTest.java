package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.TrainConfig;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.train.loop.TrainingSummary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pldr train} end to end on a tiny model, and its errors. */
class TrainCommandTest {
  @TempDir Path dir;

  private Path config(String extra) throws Exception {
    return TinyTraining.config(dir, extra);
  }

  @Test
  void trainsAndReportsLossAgainstUnigramEntropyAndSamples() throws Exception {
    CliRun r =
        CliRun.of(
            "train",
            "--config",
            config("").toString(),
            "--cache-dir",
            dir.resolve("cache").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("trained 6 steps")
        .contains("validation loss:")
        .contains("unigram entropy:")
        .contains("generated:")
        .contains("the whale");
    assertThat(dir.resolve("run/checkpoints/step-00000006/model.safetensors")).isRegularFile();
    assertThat(dir.resolve("run/loss.png")).isRegularFile();

    CliRun again =
        CliRun.of(
            "train",
            "--config",
            config("").toString(),
            "--cache-dir",
            dir.resolve("cache").toString(),
            "--resume",
            "--steps",
            "8");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("trained 2 steps in this run (steps 7–8 of 8) in ");

    // ./pldr generate from the run folder (its newest checkpoint), greedy: reproducible.
    String[] generate = {
      "generate",
      "--checkpoint",
      dir.resolve("run").toString(),
      "--prompt",
      "the whale",
      "--max-new-tokens",
      "5",
      "--temperature",
      "0"
    };
    CliRun g1 = CliRun.of(generate);
    CliRun g2 = CliRun.of(generate);
    assertThat(g1.status()).as(g1.err()).isZero();
    assertThat(g1.out()).startsWith("the whale").containsPattern("\\[[1-5] tokens, stopped: ");
    assertThat(g2.out()).isEqualTo(g1.out());

    // Two prompts of different lengths decoded as one batch: each as it is alone.
    CliRun alone =
        CliRun.of(
            "generate",
            "--checkpoint",
            dir.resolve("run").toString(),
            "--prompt",
            "a",
            "--max-new-tokens",
            "5",
            "--temperature",
            "0");
    CliRun batch =
        CliRun.of(
            "generate",
            "--checkpoint",
            dir.resolve("run").toString(),
            "--prompt",
            "the whale",
            "--prompt",
            "a",
            "--max-new-tokens",
            "5",
            "--temperature",
            "0",
            "--batch");
    assertThat(batch.status()).as(batch.err()).isZero();
    assertThat(batch.out()).isEqualTo(g1.out() + alone.out());

    // G_LM inferred once from the same prompt, saved, and reused: the same greedy text.
    Path gcache = dir.resolve("g.safetensors");
    CliRun saved =
        CliRun.of(
            "gcache",
            "--checkpoint",
            dir.resolve("run").toString(),
            "--prompt",
            "the whale",
            "--out",
            gcache.toString());
    assertThat(saved.status()).as(saved.err()).isZero();
    String[] withG = java.util.Arrays.copyOf(generate, generate.length + 2);
    withG[generate.length] = "--g-cache";
    withG[generate.length + 1] = gcache.toString();
    CliRun g3 = CliRun.of(withG);
    assertThat(g3.status()).as(g3.err()).isZero();
    assertThat(g3.out()).isEqualTo(g1.out());

    // The same G-cache frozen into an inference model (v510Gi) without the deep net's weights.
    CliRun converted =
        CliRun.of(
            "convert-gi",
            "--checkpoint",
            dir.resolve("run").toString(),
            "--g-cache",
            gcache.toString(),
            "--out",
            dir.resolve("gi").toString());
    assertThat(converted.status()).as(converted.err()).isZero();
    assertThat(converted.out()).contains("operator external");
    String[] fromGi = generate.clone();
    fromGi[2] = dir.resolve("gi").toString();
    CliRun g4 = CliRun.of(fromGi);
    assertThat(g4.status()).as(g4.err()).isZero();
    assertThat(g4.out()).isEqualTo(g1.out());
  }

  @Test
  void aResumedRunCountsItsOwnStepsApartFromTheWholeRuns() throws Exception {
    String[] train = {
      "train",
      "--config",
      config("log_every: 1").toString(),
      "--cache-dir",
      dir.resolve("cache").toString()
    };
    CliRun fresh = CliRun.of(train);
    assertThat(fresh.status()).as(fresh.err()).isZero();
    assertThat(fresh.out())
        .containsPattern("\\ntrained 6 steps in \\d+ s \\([0-9,]+ tokens/s\\)\\n")
        .doesNotContain("in this run");

    String[] resume = java.util.Arrays.copyOf(train, train.length + 3);
    resume[train.length] = "--resume";
    resume[train.length + 1] = "--steps";
    resume[train.length + 2] = "9";
    CliRun resumed = CliRun.of(resume);
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .containsPattern(
            "\\ntrained 3 steps in this run \\(steps 7–9 of 9\\) in \\d+ s \\([0-9,]+"
                + " tokens/s\\)\\n");

    // Nothing left to train: said so in one line (exit 0), instead of a summary of no steps.
    CliRun again = CliRun.of(resume);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out())
        .startsWith("nothing to train: the run is finished (")
        .contains("step-00000009 is at step 9 and the run has 9 steps)")
        .contains("--steps N with N above 9")
        .doesNotContain("NaN")
        .doesNotContain("tokens/s")
        .hasLineCount(1);
  }

  @Test
  void theSummaryLineOfAResumedRunCountsThisRunsStepsAndTime() {
    TrainingSummary s =
        new TrainingSummary(
            1000, 1500, 3, 3, 0.5, 20, 4, 1234.4, 62, Path.of("c"), Path.of("p"), List.of());
    assertThat(TrainCommand.trained(s))
        .isEqualTo(
            "trained 500 steps in this run (steps 1001–1500 of 1500) in 62 s (1,234 tokens/s)");
    TrainingSummary fresh =
        new TrainingSummary(
            0, 1500, 3, 3, 0.5, 20, 4, 1234.4, 62, Path.of("c"), Path.of("p"), List.of());
    assertThat(TrainCommand.trained(fresh))
        .isEqualTo("trained 1500 steps in 62 s (1,234 tokens/s)");
  }

  @Test
  void setChangesAnyFieldIncludingNestedOnes() throws Exception {
    CliRun r =
        CliRun.of(
            "train",
            "--config",
            config("").toString(),
            "--cache-dir",
            dir.resolve("cache").toString(),
            "--set",
            "steps=3",
            "--set",
            "optimizer.learning_rate=2e-3",
            "--set",
            "model.num_heads=4",
            "--set",
            "dag.c_g=0.01",
            "--set",
            "sample.lines=0");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("trained 3 steps in ").doesNotContain("generated:");
    TrainConfig saved =
        CheckpointStore.readState(dir.resolve("run/checkpoints/step-00000003")).getConfig();
    assertThat(saved.getSteps()).isEqualTo(3);
    assertThat(saved.getOptimizer().getLearningRate()).isEqualTo(2e-3);
    assertThat(saved.getModel().getNumHeads()).isEqualTo(4);
    assertThat(saved.getDag().getCG()).isEqualTo(0.01);
  }

  @Test
  void badSetFailsNamingSetTheFieldAndTheAcceptedValues() throws Exception {
    String c = config("").toString();
    CliRun unknown = CliRun.of("train", "--config", c, "--set", "optimizer.learning_rat=2e-3");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err())
        .isEqualTo(
            "pldr train: error: --set: 'optimizer.learning_rat=2e-3': unknown field"
                + " 'learning_rat' of OptimizerConfig; it has: learning_rate, beta1, beta2,"
                + " epsilon, weight_decay, clip_value, clip_global_norm"
                + System.lineSeparator());

    CliRun badEnum = CliRun.of("train", "--config", c, "--set", "model.precision=float16");
    assertThat(badEnum.status()).isEqualTo(1);
    assertThat(badEnum.err())
        .startsWith("pldr train: error: --set: 'model.precision=float16': model.precision must be")
        .contains("one of ")
        .contains("FLOAT32, FLOAT64")
        .contains("found 'float16'");

    CliRun notANumber = CliRun.of("train", "--config", c, "--set", "steps=many");
    assertThat(notANumber.err())
        .contains("--set: 'steps=many': steps must be a non-negative integer, found 'many'");

    CliRun noValue = CliRun.of("train", "--config", c, "--set", "steps");
    assertThat(noValue.err()).contains("--set: 'steps' is not field.path=value");

    // A value of the right type that the configuration refuses names the file and the --set.
    CliRun negative = CliRun.of("train", "--config", c, "--set", "optimizer.learning_rate=-1");
    assertThat(negative.status()).isEqualTo(1);
    assertThat(negative.err())
        .contains(
            c
                + " with --set optimizer.learning_rate=-1: field 'optimizer.learning_rate': must be"
                + " a positive number, found -1.0")
        .doesNotContain("\tat ");
  }

  @Test
  void badConfigurationFailsWithOneLineNamingTheField() throws Exception {
    CliRun r = CliRun.of("train", "--config", config("schedule { warmup_steps: 7 }").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("schedule.warmup_steps").doesNotContain("\tat ");
  }

  @Test
  void missingConfigurationFileIsNamed() {
    CliRun r = CliRun.of("train", "--config", dir.resolve("nope.textproto").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("nope.textproto");
  }
}
