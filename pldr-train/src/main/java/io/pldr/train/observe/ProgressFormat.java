package io.pldr.train.observe;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pure formatting of progress: the log line {@code step 120/1000 loss 3.2104 lr 8.00e-04 tok/s 5230
 * eta 2m51s} and its parts.
 */
public final class ProgressFormat {
  private ProgressFormat() {}

  /** The full log line for one step. */
  public static String line(StepStats stats, long totalSteps, Optional<Duration> eta) {
    return "step "
        + stats.step()
        + "/"
        + totalSteps
        + " "
        + metrics(stats)
        + " eta "
        + eta.map(ProgressFormat::duration).orElse("?");
  }

  /** Loss, learning rate, throughput and, if present, accuracy and gradient norm. */
  public static String metrics(StepStats stats) {
    StringBuilder b =
        new StringBuilder()
            .append("loss ")
            .append(fixed(stats.loss(), 4))
            .append(" lr ")
            .append(learningRate(stats.learningRate()))
            .append(" tok/s ")
            .append(rate(stats.tokensPerSecond()));
    stats.accuracy().ifPresent(a -> b.append(" acc ").append(fixed(a, 4)));
    stats.gradNorm().ifPresent(g -> b.append(" gnorm ").append(fixed(g, 3)));
    return b.toString();
  }

  /**
   * The DAG terms of v510_dag and the loss they were added to: {@code dag A 1.2345e-02 P 3.4000e-01
   * G 2.0000e+00, objective 5.4321}.
   */
  public static String dag(double objective, Map<String, Double> terms) {
    StringBuilder b = new StringBuilder("dag");
    terms.forEach(
        (name, v) ->
            b.append(' ')
                .append(name)
                .append(' ')
                .append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.4e", v) : nonFinite(v)));
    return b.append(", objective ").append(fixed(objective, 4)).toString();
  }

  /** A learning rate in scientific notation with three digits: {@code 8.00e-04}. */
  public static String learningRate(double lr) {
    return Double.isFinite(lr) ? String.format(Locale.ROOT, "%.2e", lr) : nonFinite(lr);
  }

  /** A throughput: whole numbers from 100 on ({@code 5230}), one decimal below ({@code 42.5}). */
  public static String rate(double perSecond) {
    if (!Double.isFinite(perSecond)) {
      return nonFinite(perSecond);
    }
    return String.format(Locale.ROOT, perSecond >= 100 ? "%.0f" : "%.1f", perSecond);
  }

  /**
   * A compact duration, rounded to whole seconds: {@code 45s}, {@code 2m51s}, {@code 1h02m}, {@code
   * 3d04h}. The two largest units are shown.
   */
  public static String duration(Duration d) {
    long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
  }

  private static String fixed(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : nonFinite(v);
  }

  private static String nonFinite(double v) {
    return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  }
}
