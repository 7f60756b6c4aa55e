package io.pldr.train.data;

import io.pldr.api.config.DataConfig;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The token stream cut into non-overlapping windows of {@code seqLen + 1} tokens: window {@code w}
 * is tokens {@code [w·seqLen, w·seqLen + seqLen]}, its first {@code seqLen} tokens the inputs and
 * its last {@code seqLen} the targets (consecutive windows share one token, so every token but the
 * first is a target exactly once). The last windows are the validation split ({@code round(windows
 * · fraction)}, at least one), the others the training split; tokens after the last whole window
 * are not used.
 */
public final class PackedSequences {
  /** The validation fraction when a configuration leaves it unset. */
  public static final double DEFAULT_VALIDATION_FRACTION = 0.05;

  private final TokenSequence tokens;
  private final int seqLen;
  private final long windows;
  private final long validationWindows;

  /**
   * Windows of {@code tokens}; fails with a {@link CorpusException} naming {@code sources} and the
   * token counts if there are too few tokens for one training and one validation window.
   */
  public PackedSequences(
      TokenSequence tokens, int seqLen, double validationFraction, String sources) {
    if (seqLen < 1) {
      throw new IllegalArgumentException("seq_len must be positive, not " + seqLen);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation_fraction must be in [0, 1), not " + validationFraction);
    }
    this.tokens = tokens;
    this.seqLen = seqLen;
    long n = tokens.size();
    this.windows = n > seqLen ? (n - 1) / seqLen : 0;
    this.validationWindows = Math.max(1, Math.round(windows * validationFraction));
    if (windows - validationWindows < 1) {
      throw new CorpusException(
          "the corpus "
              + sources
              + " has "
              + n
              + " tokens: "
              + windows
              + " window(s) of seq_len "
              + seqLen
              + " + 1, but one training and "
              + validationWindows
              + " validation window(s) need at least "
              + ((1 + validationWindows) * seqLen + 1)
              + " tokens; add text or lower seq_len");
    }
  }

  /** The validation fraction of a data configuration: its value or 0.05. */
  public static double validationFraction(DataConfig config) {
    return config.hasValidationFraction()
        ? config.getValidationFraction()
        : DEFAULT_VALIDATION_FRACTION;
  }

  /** The token stream. */
  public TokenSequence tokens() {
    return tokens;
  }

  /** Inputs (and targets) per window. */
  public int seqLen() {
    return seqLen;
  }

  /** All windows. */
  public long windows() {
    return windows;
  }

  /** Windows of the training split: {@code [0, trainWindows())}. */
  public long trainWindows() {
    return windows - validationWindows;
  }

  /** Windows of the validation split: {@code [trainWindows(), windows())}. */
  public long validationWindows() {
    return validationWindows;
  }

  /** The first token of window {@code w}. */
  public long windowStart(long w) {
    return w * seqLen;
  }

  /** Copies window {@code w} ({@code seqLen + 1} tokens) into {@code dst}. */
  public void window(long w, long[] dst) {
    if (w < 0 || w >= windows) {
      throw new IndexOutOfBoundsException("window " + w + " outside [0, " + windows + ")");
    }
    tokens.copy(w * seqLen, dst, 0, seqLen + 1);
  }

  /** Window {@code w}: {@code seqLen + 1} tokens. */
  public long[] window(long w) {
    long[] dst = new long[seqLen + 1];
    window(w, dst);
    return dst;
  }

  /**
   * Training batches shuffled per epoch, starting at {@code from} (use {@link DataPosition#START}
   * for a new run).
   */
  public BatchIterator trainBatches(int batchSize, long seed, DataPosition from) {
    return new BatchIterator(this, batchSize, seed, from);
  }

  /** Validation batches of {@code batchSize} windows (the last may be smaller). */
  public long validationBatchCount(int batchSize) {
    return (validationWindows + batchSize - 1) / batchSize;
  }

  /**
   * The validation windows in order, in batches of {@code batchSize} rows (the last may have
   * fewer), at most {@code maxBatches} of them (0: all). Each iteration starts from the first.
   */
  public Iterable<long[][]> validationBatches(int batchSize, long maxBatches) {
    if (batchSize < 1 || maxBatches < 0) {
      throw new IllegalArgumentException(
          "batch size "
              + batchSize
              + " and batch limit "
              + maxBatches
              + " must be positive (the limit may be 0: all)");
    }
    long count = validationBatchCount(batchSize);
    long batches = maxBatches == 0 ? count : Math.min(count, maxBatches);
    long first = trainWindows();
    return () ->
        new Iterator<>() {
          private long batch;

          @Override
          public boolean hasNext() {
            return batch < batches;
          }

          @Override
          public long[][] next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            long from = batch * batchSize;
            int rows = (int) Math.min(batchSize, validationWindows - from);
            long[][] out = new long[rows][];
            for (int r = 0; r < rows; r++) {
              out[r] = window(first + from + r);
            }
            batch++;
            return out;
          }
        };
  }
}
