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

/**
 * What a resume may change: batch_size and grad_accumulation with the number of workers, if a
 * step's rows stay.
 */
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

  private static TrainConfig accumulating(int batch, int steps) {
    return config(batch).toBuilder().setGradAccumulation(steps).build();
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
  void twoWorkersOfBatch8ResumeAsOneProcessAccumulatingTwoMicroBatchesOf8() {
    TrainConfig merged = ResumeCheck.merge(saved(8, 2), accumulating(8, 2), 1, CHECKPOINT);
    assertThat(merged.getBatchSize()).isEqualTo(8);
    assertThat(merged.getGradAccumulation()).isEqualTo(2);
  }

  @Test
  void anotherGlobalBatchIsRefusedNamingBothAndTheBatchSizeThatKeepsIt() {
    assertThatThrownBy(() -> ResumeCheck.merge(saved(8, 2), config(8), 1, CHECKPOINT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--resume: a step's rows (batch_size × grad_accumulation × workers) are 8 × 1 × 1 = 8"
                + " here but 8 × 1 × 2 = 16 in the checkpoint "
                + CHECKPOINT
                + "; a resumed run keeps them: with 1 worker batch_size × grad_accumulation must"
                + " be 16");
    assertThatThrownBy(() -> ResumeCheck.merge(saved(3, 2), config(2), 4, CHECKPOINT))
        .hasMessageEndingWith("no batch_size gives 6 with 4 workers");
  }

  @Test
  void aCheckpointWithoutItsWorkersKeepsItsBatchSize() {
    // written before checkpoints recorded their workers: its global batch is unknown
    assertThat(ResumeCheck.merge(saved(8, 0), config(8), 2, CHECKPOINT)).isEqualTo(config(8));
    assertThatThrownBy(() -> ResumeCheck.merge(saved(8, 0), config(16), 1, CHECKPOINT))
        .hasMessageContaining("batch_size × grad_accumulation is 16 × 1 here but 8 × 1")
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
