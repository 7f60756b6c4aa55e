package io.pldr.eval.report;

/** A metric's value over a task and, for means, its standard error (null where not computed). */
public record MetricValue(double value, Double stderr) {
  /** A value with a standard error, null when it is not a number (fewer than two documents). */
  public static MetricValue of(double value, double stderr) {
    return new MetricValue(value, Double.isNaN(stderr) ? null : stderr);
  }
}
