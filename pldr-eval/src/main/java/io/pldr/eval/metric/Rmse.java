package io.pldr.eval.metric;

/**
 * Root mean square error between paired values, √(Σ (a − b)² / n), and the largest |a − b|: how far
 * one computation is from another (log-likelihoods with and without G-cache, G_LM of two prompts).
 */
public final class Rmse extends NamedMetric<Rmse.Pair> {
  /** Two values that should be equal. */
  public record Pair(double a, double b) {}

  private double sumSquares;
  private double maxAbs;
  private long count;

  /** An RMSE named {@code name}. */
  public Rmse(String name) {
    super(name);
  }

  @Override
  public void update(Pair p) {
    double d = p.a() - p.b();
    sumSquares += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    count++;
  }

  /** Adds every pair {@code (a[i], b[i])}. */
  public void update(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("rmse: " + a.length + " values against " + b.length);
    }
    for (int i = 0; i < a.length; i++) {
      update(new Pair(a[i], b[i]));
    }
  }

  @Override
  public double result() {
    return count == 0 ? Double.NaN : Math.sqrt(sumSquares / count);
  }

  /** The largest |a − b| seen; NaN without observations. */
  public double maxAbsDifference() {
    return count == 0 ? Double.NaN : maxAbs;
  }

  @Override
  public void reset() {
    sumSquares = 0;
    maxAbs = 0;
    count = 0;
  }
}
