package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.TrainPrecision;
import io.pldr.api.tensor.DType;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run with {@code precision: BF16_MIXED} trains and checkpoints float32 weights and state. */
class Bf16TrainingRunTest {
  @TempDir Path dir;

  @Test
  void aBf16MixedRunCheckpointsFloat32WeightsAndOptimizerState() throws Exception {
    Path corpus = TinyRun.corpus(dir, 3000);
    var config =
        TinyRun.parse(TinyRun.config(corpus, dir.resolve("run"), "steps: 4 precision: BF16_MIXED"));
    assertThat(config.getPrecision()).isEqualTo(TrainPrecision.BF16_MIXED);
    TrainingSummary s = TinyRun.trainer().run(config, false, dir.resolve("cache"));
    assertThat(Double.isFinite(s.validationLoss())).isTrue();
    Checkpoint c = CheckpointStore.read(s.checkpoint());
    assertThat(c.model()).isNotEmpty();
    assertThat(c.model().values()).allMatch(t -> t.dtype() == DType.FLOAT32);
    assertThat(c.optimizer()).isNotEmpty();
    assertThat(c.optimizer().values()).allMatch(t -> t.dtype() == DType.FLOAT32);
  }
}
