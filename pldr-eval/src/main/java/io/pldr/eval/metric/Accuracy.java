package io.pldr.eval.metric;

/**
 * The share of correct predictions: Σ correct / Σ total over all observations. Training adds one
 * observation per validation batch (correct targets of all targets); evaluation adds one per
 * document (1 or 0, or a document's score in [0, 1] such as TruthfulQA MC2's probability mass), the
 * mean lm-evaluation-harness reports as {@code acc}.
 */
public final class Accuracy extends NamedMetric<Accuracy.Count> {
  /** {@code correct} of {@code total} predictions were right (a fraction is allowed). */
  public record Count(double correct, long total) {
    public Count {
      if (total < 1 || !(correct >= 0 && correct <= total)) {
        throw new IllegalArgumentException(
            "accuracy: expected 0 <= correct <= total and total"
                + " >= 1, got "
                + correct
                + " of "
                + total);
      }
    }

    /** One prediction, right or wrong. */
    public static Count of(boolean right) {
      return new Count(right ? 1 : 0, 1);
    }
  }

  private double correct;
  private long total;
  private long observations;
  private double sumShares;
  private double sumSquaredShares;

  /** An accuracy named {@code name} ({@code acc}, {@code acc_norm}, {@code accuracy}). */
  public Accuracy(String name) {
    super(name);
  }

  @Override
  public void update(Count c) {
    correct += c.correct();
    total += c.total();
    double share = c.correct() / c.total();
    observations++;
    sumShares += share;
    sumSquaredShares += share * share;
  }

  @Override
  public double result() {
    return total == 0 ? Double.NaN : correct / total;
  }

  /**
   * The standard error of the mean of the observations' shares: sample standard deviation over √n,
   * as lm-evaluation-harness's {@code acc_stderr} (NaN below two observations).
   */
  public double standardError() {
    if (observations < 2) {
      return Double.NaN;
    }
    double mean = sumShares / observations;
    double variance =
        Math.max(0, (sumSquaredShares - observations * mean * mean) / (observations - 1));
    return Math.sqrt(variance / observations);
  }

  /** Number of observations since the last reset. */
  public long observations() {
    return observations;
  }

  @Override
  public void reset() {
    correct = 0;
    total = 0;
    observations = 0;
    sumShares = 0;
    sumSquaredShares = 0;
  }
}
