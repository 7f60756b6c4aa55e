package io.pldr.train.data;

/**
 * Where a training batch iterator stands: the epoch and the index of the next training window in
 * that epoch's shuffled order. Saved with a checkpoint, it makes a new iterator yield exactly the
 * batches the old one would have yielded next.
 */
public record DataPosition(long epoch, long index) {
  /** The first window of the first epoch. */
  public static final DataPosition START = new DataPosition(0, 0);

  /** Checks that both fields are non-negative. */
  public DataPosition {
    if (epoch < 0 || index < 0) {
      throw new IllegalArgumentException(
          "data position (epoch " + epoch + ", index " + index + ") must not be negative");
    }
  }
}
