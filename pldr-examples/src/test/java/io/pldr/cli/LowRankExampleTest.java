package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.io.Safetensors;
import io.pldr.train.config.TrainConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension example end to end through {@code ./pldr}: the configuration that names the plug-in
 * operator {@code low_rank} trains (on a tiny budget) and its checkpoint generates.
 */
class LowRankExampleTest {
  private static final Path EXAMPLE = Path.of("configs/moby-dick-low-rank.textproto");

  @TempDir Path dir;

  /** The example configuration on a budget of a few steps, with {@code change} applied. */
  private Path example(Consumer<TrainConfig.Builder> change) throws Exception {
    Path c = dir.resolve("low-rank.textproto");
    Files.writeString(
        c,
        TrainConfigs.toText(
            TrainConfigs.read(
                EXAMPLE,
                b -> {
                  b.setSteps(4)
                      .setEvalEvery(4)
                      .setEvalBatches(2)
                      .setCheckpointEvery(4)
                      .setOutDir(dir.resolve("run").toString());
                  b.getScheduleBuilder().setWarmupSteps(2);
                  b.getSampleBuilder().setLines(1).setMaxNewTokens(5);
                  change.accept(b);
                })));
    return c;
  }

  @Test
  void theExampleConfigurationTrainsTheLowRankOperatorAndItsCheckpointGenerates() throws Exception {
    CliRun r =
        CliRun.of(
            "train",
            "--config",
            example(b -> {}).toString(),
            "--cache-dir",
            dir.resolve("cache").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("trained 4 steps").contains("validation loss:");

    // The checkpoint holds the plug-in's parameters (U, V of rank 4 per head), not v510's.
    Map<String, HostTensor> saved =
        Safetensors.read(dir.resolve("run/checkpoints/step-00000004/model.safetensors")).tensors();
    assertThat(saved.get("decoder.dec_layers.2.mha1.low_rank.u").shape())
        .isEqualTo(Shape.of(4, 32, 4));
    assertThat(saved.keySet())
        .noneMatch(n -> n.contains("plgatt_layer") || n.contains("reslayerAs"));

    CliRun g =
        CliRun.of(
            "generate",
            "--checkpoint",
            dir.resolve("run").toString(),
            "--prompt",
            "Call me",
            "--max-new-tokens",
            "5",
            "--temperature",
            "0");
    assertThat(g.status()).as(g.err()).isZero();
    assertThat(g.out()).startsWith("Call me").containsPattern("\\[[1-5] tokens, stopped: ");
  }

  @Test
  void aRankAboveTheHeadDepthFailsWithOneLineNamingTheOption() throws Exception {
    CliRun r =
        CliRun.of(
            "train",
            "--config",
            example(b -> b.getModelBuilder().getTensorOperatorBuilder().putOptions("rank", "33"))
                .toString(),
            "--cache-dir",
            dir.resolve("cache").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains("tensor_operator.options")
        .contains("option 'rank' must be an integer from 1 to the head depth d=32, found '33'")
        .doesNotContain("\tat ");
  }

  @Test
  void theOperatorsListShowsThePlugIn() {
    CliRun r = CliRun.of("operators");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("low_rank");
  }
}
