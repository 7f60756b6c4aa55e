package io.pldr.train.optim;

/**
 * The reference's schedule: linear warm-up from 0 to the peak over {@code warmupSteps}, then cosine
 * decay to {@code alpha·peak} at {@code totalSteps}; constant after.
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps, double alpha) {
  public LearningRateSchedule {
    if (peak <= 0
        || warmupSteps < 0
        || totalSteps <= 0
        || warmupSteps > totalSteps
        || alpha < 0
        || alpha > 1) {
      throw new IllegalArgumentException(
          "impossible schedule: peak "
              + peak
              + ", warm-up "
              + warmupSteps
              + ", total "
              + totalSteps
              + ", alpha "
              + alpha);
    }
  }

  /** The learning rate for optimiser step {@code step} (the first step is 1). */
  public double at(long step) {
    double s = Math.min(step, totalSteps);
    if (s <= warmupSteps) {
      return warmupSteps == 0 ? peak : peak * s / warmupSteps;
    }
    double progress = (s - warmupSteps) / (double) (totalSteps - warmupSteps);
    return peak * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * progress)) + alpha);
  }
}
