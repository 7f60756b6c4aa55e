package io.pldr.train.loop;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.config.TrainConfigOrBuilder;
import java.nio.file.Path;

/**
 * What a resumed run may change: the number of steps (and the schedule's total), the validation,
 * checkpoint, logging and sampling settings, {@code out_dir} (where the run folder is now: a folder
 * moved, copied or named by another path resumes), and how a step's rows are split: {@code
 * batch_size}, {@code grad_accumulation} and the number of data-parallel workers, as long as their
 * product stays (the data is one stream of rows, so a step reads the same rows however they are
 * split). Anything else (model, data, optimiser, schedule, seed, ...) must equal the checkpoint's,
 * or the run would not continue the same training.
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
    TrainConfig merged =
        split(was.toBuilder(), saved.getWorkers(), requested, workers, checkpoint)
            .setOutDir(requested.getOutDir())
            .setSteps(requested.getSteps())
            .setEvalEvery(requested.getEvalEvery())
            .setEvalBatches(requested.getEvalBatches())
            .setCheckpointEvery(requested.getCheckpointEvery())
            .setKeepCheckpoints(requested.getKeepCheckpoints())
            .setLogEvery(requested.getLogEvery())
            .setSample(requested.getSample())
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
                  + " and batch_size and grad_accumulation with the number of workers if a step's"
                  + " rows stay");
        }
      }
    }
    return merged;
  }

  /**
   * The checkpoint's configuration with the requested {@code batch_size} and {@code
   * grad_accumulation} when a step's rows (batch_size × grad_accumulation × workers) equal the
   * checkpoint's; else an error naming both and what keeps them. A checkpoint that records no
   * workers (written before they were recorded) keeps both fields.
   */
  private static TrainConfig.Builder split(
      TrainConfig.Builder was,
      int savedWorkers,
      TrainConfig requested,
      int workers,
      Path checkpoint) {
    if (savedWorkers == 0) {
      if (requested.getBatchSize() != was.getBatchSize()
          || requested.getGradAccumulation() != was.getGradAccumulation()) {
        throw new IllegalArgumentException(
            "--resume: batch_size × grad_accumulation is "
                + perProcess(requested)
                + " here but "
                + perProcess(was)
                + " in the checkpoint "
                + checkpoint
                + ", which does not record its number of workers (written before pldr recorded"
                + " it): resume it with those and the workers it was trained with");
      }
      return was;
    }
    long saved = rows(was.getBatchSize(), was.getGradAccumulation(), savedWorkers);
    long now = rows(requested.getBatchSize(), requested.getGradAccumulation(), workers);
    if (saved != now) {
      throw new IllegalArgumentException(
          "--resume: a step's rows (batch_size × grad_accumulation × workers) are "
              + perProcess(requested)
              + " × "
              + workers
              + " = "
              + now
              + " here but "
              + perProcess(was)
              + " × "
              + savedWorkers
              + " = "
              + saved
              + " in the checkpoint "
              + checkpoint
              + "; a resumed run keeps them: "
              + (saved % workers == 0
                  ? "with "
                      + workers
                      + (workers == 1 ? " worker" : " workers")
                      + " batch_size × grad_accumulation must be "
                      + saved / workers
                  : "no batch_size gives " + saved + " with " + workers + " workers"));
    }
    return was.setBatchSize(requested.getBatchSize())
        .setGradAccumulation(requested.getGradAccumulation());
  }

  /** {@code batch_size × grad_accumulation} as the messages show it. */
  private static String perProcess(TrainConfigOrBuilder c) {
    return c.getBatchSize() + " × " + accumulation(c.getGradAccumulation());
  }

  /** A step's rows. */
  private static long rows(int batchSize, int accumulation, int workers) {
    return (long) batchSize * accumulation(accumulation) * workers;
  }

  /** Micro-batches per step: an unset {@code grad_accumulation} (0) is 1. */
  private static int accumulation(int field) {
    return Math.max(field, 1);
  }
}
