package io.pldr.train.data;

import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * An endless iterator of training batches, {@code long[batchSize][seqLen + 1]}. Each epoch visits
 * every training window once, in an order that depends only on (seed, epoch): a Fisher–Yates
 * shuffle driven by a {@link SplittableRandom} seeded from both. A batch that reaches the end of an
 * epoch is completed from the start of the next one. {@link #position()} says where the next batch
 * starts; an iterator created at that position yields the same batches.
 */
public final class BatchIterator implements Iterator<long[][]> {
  private final PackedSequences sequences;
  private final int batchSize;
  private final long seed;
  private final int trainWindows;
  private long epoch;
  private int index;
  private int[] order;
  private long orderEpoch = -1;

  /** An iterator over the training windows of {@code sequences}, starting at {@code from}. */
  public BatchIterator(PackedSequences sequences, int batchSize, long seed, DataPosition from) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, not " + batchSize);
    }
    if (sequences.trainWindows() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("more than 2^31 training windows; raise seq_len");
    }
    this.sequences = sequences;
    this.batchSize = batchSize;
    this.seed = seed;
    this.trainWindows = (int) sequences.trainWindows();
    if (from.index() >= trainWindows) {
      throw new IllegalArgumentException(
          "data position "
              + from
              + " is past the "
              + trainWindows
              + " training windows (was it saved with other data or seq_len?)");
    }
    this.epoch = from.epoch();
    this.index = (int) from.index();
  }

  /** Where the next batch starts. */
  public DataPosition position() {
    return new DataPosition(epoch, index);
  }

  /** Rows per batch. */
  public int batchSize() {
    return batchSize;
  }

  /** Always true: the iterator runs through epoch after epoch. */
  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public long[][] next() {
    long[][] batch = new long[batchSize][sequences.seqLen() + 1];
    for (int r = 0; r < batchSize; r++) {
      if (orderEpoch != epoch) {
        order = permutation(trainWindows, seed, epoch);
        orderEpoch = epoch;
      }
      sequences.window(order[index], batch[r]);
      if (++index == trainWindows) {
        index = 0;
        epoch++;
      }
    }
    return batch;
  }

  /**
   * The visiting order of {@code n} windows in {@code epoch}: a Fisher–Yates shuffle of {@code
   * 0..n-1} with a {@link SplittableRandom} seeded by a mix of seed and epoch.
   */
  public static int[] permutation(int n, long seed, long epoch) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom random = new SplittableRandom(mix(seed, epoch));
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A 64-bit mix of (seed, epoch) (the MurmurHash3 finaliser over a Weyl step). */
  private static long mix(long seed, long epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1);
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB93FE1A85EC9L;
    return z ^ (z >>> 33);
  }
}
