package io.pldr.train.loop;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.TrainConfig;
import java.nio.file.Path;

/**
 * What a resumed run may change: the number of steps (and the schedule's total), the validation,
 * checkpoint, logging and sampling settings, {@code out_dir} (where the run folder is now: a folder
 * moved, copied or named by another path resumes), and the number of data-parallel workers with
 * {@code batch_size}, as long as their product, the global batch, stays (every worker reads the
 * global batches one process reads, so the data order is unchanged). Anything else (model, data,
 * optimiser, schedule, seed, ...) must equal the checkpoint's, or the run would not continue the
 * same training.
 */
public final class ResumeCheck {
  private ResumeCheck() {}

  /**
   * The checkpoint's configuration with the allowed changes of {@code requested} applied, for a run
   * of {@code workers} data-parallel workers (1: one process).
   */
  public static TrainConfig merge(
      CheckpointState saved, TrainConfig requested, int workers, Path checkpoint) {
    TrainConfig was = saved.getConfig();
    int batch = batchSize(was, saved.getWorkers(), requested, workers, checkpoint);
    TrainConfig merged =
        was.toBuilder()
            .setOutDir(requested.getOutDir())
            .setSteps(requested.getSteps())
            .setEvalEvery(requested.getEvalEvery())
            .setEvalBatches(requested.getEvalBatches())
            .setCheckpointEvery(requested.getCheckpointEvery())
            .setKeepCheckpoints(requested.getKeepCheckpoints())
            .setLogEvery(requested.getLogEvery())
            .setSample(requested.getSample())
            .setBatchSize(batch)
            .setSchedule(
                was.getSchedule().toBuilder()
                    .setTotalSteps(requested.getSchedule().getTotalSteps()))
            .build();
    if (!merged.equals(requested)) {
      for (var field : TrainConfig.getDescriptor().getFields()) {
        if (!merged.getField(field).equals(requested.getField(field))) {
          throw new IllegalArgumentException(
              "--resume: field '"
                  + field.getName()
                  + "' differs from the checkpoint "
                  + checkpoint
                  + "'s configuration; only steps,"
                  + " schedule.total_steps, eval_every, eval_batches, checkpoint_every,"
                  + " keep_checkpoints, log_every, sample and out_dir may change when resuming,"
                  + " and batch_size with the number of workers if the global batch stays");
        }
      }
    }
    return merged;
  }

  /**
   * The resumed run's {@code batch_size}: the requested one when the global batch (batch_size ×
   * workers) equals the checkpoint's, else the checkpoint's (and the field check names batch_size).
   * A checkpoint that records no workers (written before they were recorded) keeps its batch_size.
   */
  private static int batchSize(
      TrainConfig was, int savedWorkers, TrainConfig requested, int workers, Path checkpoint) {
    if (savedWorkers == 0) {
      if (requested.getBatchSize() != was.getBatchSize()) {
        throw new IllegalArgumentException(
            "--resume: batch_size is "
                + requested.getBatchSize()
                + " here but "
                + was.getBatchSize()
                + " in the checkpoint "
                + checkpoint
                + ", which does not record its number of workers (written before pldr recorded"
                + " it): resume it with batch_size "
                + was.getBatchSize()
                + " and the workers it was trained with");
      }
      return was.getBatchSize();
    }
    long global = (long) was.getBatchSize() * savedWorkers;
    long now = (long) requested.getBatchSize() * workers;
    if (global != now) {
      throw new IllegalArgumentException(
          "--resume: the global batch (batch_size × workers) is "
              + requested.getBatchSize()
              + " × "
              + workers
              + " = "
              + now
              + " here but "
              + was.getBatchSize()
              + " × "
              + savedWorkers
              + " = "
              + global
              + " in the checkpoint "
              + checkpoint
              + "; a resumed run keeps the global batch: "
              + (global % workers == 0
                  ? "with "
                      + workers
                      + (workers == 1 ? " worker" : " workers")
                      + " set batch_size to "
                      + global / workers
                  : "no batch_size gives " + global + " with " + workers + " workers"));
    }
    return requested.getBatchSize();
  }
}
