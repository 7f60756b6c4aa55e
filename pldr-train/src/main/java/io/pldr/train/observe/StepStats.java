package io.pldr.train.observe;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one optimizer step reports to a {@link ProgressReporter}: the step number (after the step,
 * so the first step of a fresh run is 1), its loss, the learning rate it used, the measured
 * throughput, and optionally a token accuracy and the global gradient norm.
 */
public record StepStats(
    long step,
    double loss,
    double learningRate,
    double tokensPerSecond,
    OptionalDouble accuracy,
    OptionalDouble gradNorm) {

  public StepStats {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    Objects.requireNonNull(accuracy, "accuracy");
    Objects.requireNonNull(gradNorm, "gradNorm");
  }

  /** Stats without accuracy or gradient norm. */
  public static StepStats of(long step, double loss, double learningRate, double tokensPerSecond) {
    return new StepStats(
        step, loss, learningRate, tokensPerSecond, OptionalDouble.empty(), OptionalDouble.empty());
  }

  /** A copy with the given token accuracy (0..1). */
  public StepStats withAccuracy(double value) {
    return new StepStats(
        step, loss, learningRate, tokensPerSecond, OptionalDouble.of(value), gradNorm);
  }

  /** A copy with the given global gradient norm. */
  public StepStats withGradNorm(double value) {
    return new StepStats(
        step, loss, learningRate, tokensPerSecond, accuracy, OptionalDouble.of(value));
  }
}
