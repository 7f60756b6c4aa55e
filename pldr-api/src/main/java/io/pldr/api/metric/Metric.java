package io.pldr.api.metric;

/**
 * A quantity accumulated over observations (accuracy, perplexity, RMSE, ...), shared by training
 * and evaluation: update it with each observation, read the result, reset it.
 *
 * @param <T> what one observation is
 */
public interface Metric<T> {
  /** The name reports and TensorBoard use. */
  String name();

  /** Adds one observation. */
  void update(T observation);

  /** The value over all observations since the last reset; NaN when there were none. */
  double result();

  /** Forgets every observation. */
  void reset();
}
