package io.pldr.train.loop;

/** The loss became NaN or infinite: the run stopped, its last good checkpoint kept. */
public final class TrainingDivergedException extends RuntimeException {
  private final long step;

  public TrainingDivergedException(long step, double loss, String lastCheckpoint) {
    super(
        "training loss is "
            + loss
            + " at step "
            + step
            + "; the run stopped. The last good"
            + " checkpoint is "
            + lastCheckpoint
            + " (lower optimizer.learning_rate or clip the"
            + " gradients, then resume from it)");
    this.step = step;
  }

  /** The step whose loss was not finite. */
  public long step() {
    return step;
  }
}
