package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
    assertThat(again.out()).contains("trained 8 steps");

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
