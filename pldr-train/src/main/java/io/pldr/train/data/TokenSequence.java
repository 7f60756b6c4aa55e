package io.pldr.train.data;

import java.util.Arrays;

/**
 * A long, read-only sequence of token ids: the encoded corpus, documents separated by the
 * end-of-text id. Implementations may be memory-mapped files far larger than the heap.
 */
public interface TokenSequence {
  /** Number of tokens. */
  long size();

  /** The token at {@code index}, in {@code [0, size())}. */
  int get(long index);

  /** Copies {@code length} tokens from {@code from} into {@code dst} at {@code offset}. */
  default void copy(long from, long[] dst, int offset, int length) {
    if (from < 0 || length < 0 || from + length > size()) {
      throw new IndexOutOfBoundsException(
          "tokens [" + from + ", " + (from + length) + ") outside [0, " + size() + ")");
    }
    for (int i = 0; i < length; i++) {
      dst[offset + i] = get(from + i);
    }
  }

  /** An in-memory sequence over a copy of {@code ids}. */
  static TokenSequence of(int... ids) {
    int[] copy = Arrays.copyOf(ids, ids.length);
    return new TokenSequence() {
      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public int get(long index) {
        return copy[Math.toIntExact(index)];
      }
    };
  }
}
