package io.pldr.train.observe;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Estimates the time left from the measured step rate. The first reported step carries the warm-up
 * (graph optimisation, first allocations), so the rate is measured from that step on; only until a
 * second step is seen is the warm-up step used on its own. Thread-safe: progress bars ask for the
 * estimate from their render thread.
 */
final class EtaEstimator {
  private final LongSupplier nanoClock;
  private long totalSteps;
  private long startStep;
  private long startNanos;
  private long firstStep = -1;
  private long firstNanos;
  private long lastStep = -1;
  private long lastNanos;

  EtaEstimator(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  synchronized void start(long totalSteps, long startStep) {
    this.totalSteps = totalSteps;
    this.startStep = startStep;
    this.startNanos = nanoClock.getAsLong();
    this.firstStep = -1;
    this.lastStep = -1;
  }

  synchronized void record(long step) {
    long now = nanoClock.getAsLong();
    if (firstStep < 0) {
      firstStep = step;
      firstNanos = now;
    }
    lastStep = step;
    lastNanos = now;
  }

  /** Measured seconds per step, if any step has been seen. */
  synchronized Optional<Double> secondsPerStep() {
    if (lastStep > firstStep) {
      return Optional.of((lastNanos - firstNanos) / 1e9 / (lastStep - firstStep));
    }
    if (firstStep > startStep) {
      return Optional.of((firstNanos - startNanos) / 1e9 / (firstStep - startStep));
    }
    return Optional.empty();
  }

  /** Time left until {@code totalSteps}, from the last reported step; empty before any step. */
  synchronized Optional<Duration> eta() {
    if (lastStep < 0) {
      return Optional.empty();
    }
    long remaining = totalSteps - lastStep;
    if (remaining <= 0) {
      return Optional.of(Duration.ZERO);
    }
    return secondsPerStep().map(s -> Duration.ofMillis(Math.round(s * remaining * 1000)));
  }
}
