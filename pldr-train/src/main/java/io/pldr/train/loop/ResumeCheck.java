package io.pldr.train.loop;

import io.pldr.api.config.TrainConfig;
import java.nio.file.Path;

/**
 * What a resumed run may change: the number of steps (and the schedule's total), the validation,
 * checkpoint, logging and sampling settings, and {@code out_dir} (where the run folder is now: a
 * folder moved, copied or named by another path resumes). Anything else (model, data, optimiser,
 * schedule, batch, seed, ...) must equal the checkpoint's, or the run would not continue the same
 * training.
 */
public final class ResumeCheck {
  private ResumeCheck() {}

  /** The checkpoint's configuration with the allowed changes of {@code requested} applied. */
  public static TrainConfig merge(TrainConfig saved, TrainConfig requested, Path checkpoint) {
    TrainConfig merged =
        saved.toBuilder()
            .setOutDir(requested.getOutDir())
            .setSteps(requested.getSteps())
            .setEvalEvery(requested.getEvalEvery())
            .setEvalBatches(requested.getEvalBatches())
            .setCheckpointEvery(requested.getCheckpointEvery())
            .setKeepCheckpoints(requested.getKeepCheckpoints())
            .setLogEvery(requested.getLogEvery())
            .setSample(requested.getSample())
            .setSchedule(
                saved.getSchedule().toBuilder()
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
                  + " keep_checkpoints, log_every, sample and out_dir may change when resuming");
        }
      }
    }
    return merged;
  }
}
