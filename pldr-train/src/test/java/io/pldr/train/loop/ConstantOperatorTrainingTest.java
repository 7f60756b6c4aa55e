package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.io.GCacheFile;
import io.pldr.train.observe.MetricsEntry;
import io.pldr.train.observe.MetricsHistory;
import io.pldr.train.observe.Split;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v510G ablations train, validate and generate: a model whose G_LM is a constant (seeded random
 * normal, or transferred from another model's G-cache) and that has no PLGA parameters.
 */
class ConstantOperatorTrainingTest {
  @TempDir Path dir;

  private TrainingSummary train(String operator) throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    return TinyRun.trainer()
        .run(
            TinyRun.parse(
                TinyRun.config(
                    corpus,
                    dir.resolve("run"),
                    "steps: 8 model { tensor_operator { "
                        + operator
                        + " } }"
                        + " sample { lines: 1 max_new_tokens: 6 prompts: \"the whale\" }")),
            false,
            dir.resolve("cache"));
  }

  private static void assertTrainedValidatedAndGenerated(TrainingSummary s) throws Exception {
    Checkpoint c = CheckpointStore.read(s.checkpoint());
    assertThat(c.model().keySet())
        .isNotEmpty()
        .noneMatch(n -> n.contains("plgatt_layer") || n.contains("reslayerAs"));
    List<MetricsEntry> train =
        MetricsHistory.read(
                s.checkpoint().getParent().getParent().resolve(MetricsHistory.FILE_NAME))
            .stream()
            .filter(e -> e.split() == Split.TRAIN)
            .toList();
    double first = train.get(0).value("loss").orElseThrow();
    double last = train.get(train.size() - 1).value("loss").orElseThrow();
    assertThat(last).as("training lowers the loss").isLessThan(first);
    assertThat(Double.isFinite(s.validationLoss())).isTrue();
    assertThat(s.samples()).hasSize(1);
    assertThat(s.samples().get(0)).startsWith("the whale").hasSizeGreaterThan("the whale".length());
  }

  @Test
  void randomOperatorModelTrainsValidatesAndGenerates() throws Exception {
    assertTrainedValidatedAndGenerated(
        train("name: \"random\" options { key: \"seed\" value: \"3\" }"));
  }

  @Test
  void transferredOperatorModelTrainsValidatesAndGenerates() throws Exception {
    // another model's G-cache for the tiny model's shape: 1 layer × 2 heads × depth 8
    ModelConfig shape =
        ModelConfig.newBuilder().setNumLayers(1).setDModel(16).setNumHeads(2).build();
    Random r = new Random(9);
    double[] a = new double[2 * 8 * 8];
    double[] g = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(r.nextGaussian());
      g[i] = (i % 9 == 0 ? 1 : 0) + 0.3 * r.nextGaussian(); // near the identity
    }
    Path file = dir.resolve("trained.gcache.safetensors");
    GCacheFile.save(
        file,
        shape,
        new GCache(
            List.of(
                new LayerDeductive(
                    HostTensor.of(DType.FLOAT32, Shape.of(1, 2, 8, 8), a),
                    HostTensor.of(DType.FLOAT32, Shape.of(1, 2, 8, 8), g)))),
        "sha256:another-model");
    assertTrainedValidatedAndGenerated(
        train("name: \"transferred\" options { key: \"file\"" + " value: \"" + file + "\" }"));
  }
}
