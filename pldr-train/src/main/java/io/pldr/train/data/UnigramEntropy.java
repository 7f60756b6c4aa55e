package io.pldr.train.data;

import java.util.Arrays;

/**
 * The unigram entropy of a token stream in nats per token, {@code −Σ p log p} over the token
 * frequencies: the loss of a model that knows only how often each token occurs, which a trained
 * model's validation loss should fall well below.
 *
 * @param nats entropy in nats per token
 * @param tokens tokens counted
 * @param distinct distinct token ids seen
 */
public record UnigramEntropy(double nats, long tokens, int distinct) {
  /** The entropy in bits per token. */
  public double bits() {
    return nats / Math.log(2);
  }

  /**
   * The entropy of the training targets of {@code sequences}: tokens {@code [1, trainWindows ·
   * seqLen]}, each a target of exactly one training window.
   */
  public static UnigramEntropy ofTraining(PackedSequences sequences) {
    return of(sequences.tokens(), 1, sequences.trainWindows() * sequences.seqLen() + 1);
  }

  /** The entropy of tokens {@code [from, to)} of {@code tokens}. */
  public static UnigramEntropy of(TokenSequence tokens, long from, long to) {
    if (from < 0 || to > tokens.size() || from > to) {
      throw new IndexOutOfBoundsException(
          "tokens [" + from + ", " + to + ") outside [0, " + tokens.size() + ")");
    }
    long[] counts = new long[1 << 16];
    for (long i = from; i < to; i++) {
      int id = tokens.get(i);
      if (id >= counts.length) {
        counts = Arrays.copyOf(counts, Math.max(id + 1, counts.length * 2));
      }
      counts[id]++;
    }
    int distinct = 0;
    for (long c : counts) {
      if (c > 0) {
        distinct++;
      }
    }
    return new UnigramEntropy(entropy(counts), to - from, distinct);
  }

  /** {@code −Σ p log p} (nats) of the distribution given by {@code counts}; 0 if all are 0. */
  public static double entropy(long[] counts) {
    long total = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("negative count " + c);
      }
      total += c;
    }
    if (total == 0) {
      return 0;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / total;
        h -= p * Math.log(p);
      }
    }
    return h;
  }
}
