package io.pldr.cache.generate;

import io.pldr.api.tensor.HostTensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits, in the reference's order: temperature, then top-p,
 * then top-k, the cut-off logits set to −1e10 (as the paper's code does), then a draw. Not
 * thread-safe: one per generation.
 */
public final class Sampler {
  /** What cut-off logits are set to, as in the reference. */
  public static final double MASKED = -1e10;

  private final SamplingConfig config;
  private final SplittableRandom random;

  public Sampler(SamplingConfig config) {
    this.config = config;
    this.random = new SplittableRandom(config.seed());
  }

  /** The next token for row {@code row} of {@code logits [B, V]}. */
  public int next(HostTensor logits, int row) {
    if (config.temperature() == 0) {
      return argMax(logits, row);
    }
    int vocab = (int) logits.shape().dim(-1);
    double[] z = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      z[i] = logits.get(row * vocab + i);
    }
    for (int i = 0; i < vocab; i++) {
      z[i] /= config.temperature();
    }
    if (config.topP() < 1) {
      topP(z, config.topP());
    }
    if (config.topK() > 0 && config.topK() < vocab) {
      double[] sorted = z.clone();
      Arrays.sort(sorted);
      double kth = sorted[vocab - config.topK()];
      for (int i = 0; i < vocab; i++) {
        if (z[i] < kth) {
          z[i] = MASKED;
        }
      }
    }
    double[] p = softmax(z);
    double u = random.nextDouble();
    for (int i = 0; i < vocab; i++) {
      u -= p[i];
      if (u <= 0) {
        return i;
      }
    }
    return argMax(z);
  }

  /** Keeps the smallest set of most likely tokens whose probability reaches {@code p}. */
  private static void topP(double[] z, double p) {
    double[] probs = softmax(z);
    Integer[] order = new Integer[z.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
    double cumulative = 0;
    for (int rank = 0; rank < order.length; rank++) {
      int i = order[rank];
      if (cumulative >= p) {
        z[i] = MASKED;
      }
      cumulative += probs[i];
    }
  }

  static double[] softmax(double[] z) {
    double max = Arrays.stream(z).max().orElse(0);
    double[] e = new double[z.length];
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      e[i] = Math.exp(z[i] - max);
      sum += e[i];
    }
    for (int i = 0; i < z.length; i++) {
      e[i] /= sum;
    }
    return e;
  }

  /** The most likely token of row {@code row} of {@code logits [B, V]} (greedy decoding). */
  public static int argMax(HostTensor logits, int row) {
    int vocab = (int) logits.shape().dim(-1);
    int best = 0;
    double top = logits.get(row * vocab);
    for (int i = 1; i < vocab; i++) {
      double x = logits.get(row * vocab + i);
      if (x > top) {
        best = i;
        top = x;
      }
    }
    return best;
  }

  static int argMax(double[] z) {
    int best = 0;
    for (int i = 1; i < z.length; i++) {
      if (z[i] > z[best]) {
        best = i;
      }
    }
    return best;
  }
}
