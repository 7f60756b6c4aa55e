package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.OptimizerConfig;
import io.pldr.api.config.SampleConfig;
import io.pldr.api.config.ScheduleConfig;
import io.pldr.api.config.TrainConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a resume may change: batch_size with the number of workers, if the global batch stays. */
class ResumeCheckTest {
  private static final Path CHECKPOINT = Path.of("run", "checkpoints", "step-00000015");

  private static TrainConfig config(int batch) {
    return TrainConfig.newBuilder()
        .setBatchSize(batch)
        .setSteps(30)
        .setOutDir("run")
        .setOptimizer(OptimizerConfig.newBuilder().setLearningRate(1e-3))
        .setSchedule(ScheduleConfig.newBuilder().setTotalSteps(30))
        .setSample(SampleConfig.newBuilder().setLines(0))
        .build();
  }

  private static CheckpointState saved(int batch, int workers) {
    return CheckpointState.newBuilder().setConfig(config(batch)).setWorkers(workers).build();
  }

  @Test
  void twoWorkersOfBatch8ResumeAsOneProcessOfBatch16AndBack() {
    assertThat(ResumeCheck.merge(saved(8, 2), config(16), 1, CHECKPOINT).getBatchSize())
        .isEqualTo(16);
    assertThat(ResumeCheck.merge(saved(16, 1), config(4), 4, CHECKPOINT).getBatchSize())
        .isEqualTo(4);
    assertThat(ResumeCheck.merge(saved(8, 2), config(8), 2, CHECKPOINT)).isEqualTo(config(8));
  }

  @Test
  void anotherGlobalBatchIsRefusedNamingBothAndTheBatchSizeThatKeepsIt() {
    assertThatThrownBy(() -> ResumeCheck.merge(saved(8, 2), config(8), 1, CHECKPOINT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--resume: the global batch (batch_size × workers) is 8 × 1 = 8 here but 8 × 2 = 16"
                + " in the checkpoint "
                + CHECKPOINT
                + "; a resumed run keeps the global batch: with 1 worker set batch_size to 16");
    assertThatThrownBy(() -> ResumeCheck.merge(saved(3, 2), config(2), 4, CHECKPOINT))
        .hasMessageEndingWith("no batch_size gives 6 with 4 workers");
  }

  @Test
  void aCheckpointWithoutItsWorkersKeepsItsBatchSize() {
    // written before checkpoints recorded their workers: its global batch is unknown
    assertThat(ResumeCheck.merge(saved(8, 0), config(8), 2, CHECKPOINT)).isEqualTo(config(8));
    assertThatThrownBy(() -> ResumeCheck.merge(saved(8, 0), config(16), 1, CHECKPOINT))
        .hasMessageContaining("batch_size is 16 here but 8 in the checkpoint")
        .hasMessageContaining("does not record its number of workers");
  }

  @Test
  void otherFieldsStillMayNotChange() {
    TrainConfig faster =
        config(16).toBuilder()
            .setOptimizer(OptimizerConfig.newBuilder().setLearningRate(3e-3))
            .build();
    assertThatThrownBy(() -> ResumeCheck.merge(saved(8, 2), faster, 1, CHECKPOINT))
        .hasMessageStartingWith("--resume: field 'optimizer' differs from the checkpoint");
  }
}
