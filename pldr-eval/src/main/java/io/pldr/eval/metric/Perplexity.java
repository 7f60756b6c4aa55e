package io.pldr.eval.metric;

/**
 * exp(−Σ log-likelihood / Σ count). Training counts tokens (so the result is exp of the mean
 * cross-entropy); lm-evaluation-harness's {@code perplexity} aggregation (LAMBADA) counts
 * documents: exp(−mean of the documents' summed log-likelihoods).
 */
public final class Perplexity extends NamedMetric<Perplexity.LogLikelihood> {
  /** A log-likelihood {@code sum} (natural log, ≤ 0) over {@code count} units. */
  public record LogLikelihood(double sum, long count) {
    public LogLikelihood {
      if (count < 1) {
        throw new IllegalArgumentException("perplexity: count must be >= 1, got " + count);
      }
    }

    /** {@code count} units whose mean negative log-likelihood (a mean loss) is {@code loss}. */
    public static LogLikelihood ofMeanLoss(double loss, long count) {
      return new LogLikelihood(-loss * count, count);
    }

    /** One document's log-likelihood, as the harness counts LAMBADA. */
    public static LogLikelihood ofDocument(double logLikelihood) {
      return new LogLikelihood(logLikelihood, 1);
    }
  }

  private double sum;
  private long count;

  /** A perplexity named {@code name}. */
  public Perplexity(String name) {
    super(name);
  }

  @Override
  public void update(LogLikelihood observation) {
    sum += observation.sum();
    count += observation.count();
  }

  @Override
  public double result() {
    return Math.exp(meanNegativeLogLikelihood());
  }

  /** −Σ log-likelihood / Σ count: the mean loss; NaN without observations. */
  public double meanNegativeLogLikelihood() {
    return count == 0 ? Double.NaN : -sum / count;
  }

  /** Units counted since the last reset. */
  public long count() {
    return count;
  }

  @Override
  public void reset() {
    sum = 0;
    count = 0;
  }
}
