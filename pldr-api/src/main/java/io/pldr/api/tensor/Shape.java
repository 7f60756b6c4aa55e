package io.pldr.api.tensor;

import java.util.Arrays;

/**
 * Dimensions of a tensor; a dimension of {@link #UNKNOWN} is known only when the graph runs (batch
 * and sequence length, typically).
 */
public final class Shape {
  /** Marks a dimension whose size is known only at run time. */
  public static final long UNKNOWN = -1;

  private final long[] dims;

  private Shape(long[] dims) {
    this.dims = dims.clone();
  }

  /** A shape with the given dimensions. */
  public static Shape of(long... dims) {
    return new Shape(dims);
  }

  /** A shape with the given dimensions. */
  public static Shape of(int... dims) {
    return new Shape(Arrays.stream(dims).asLongStream().toArray());
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Size of dimension {@code i}; negative {@code i} counts from the end. */
  public long dim(int i) {
    return dims[i < 0 ? dims.length + i : i];
  }

  /** A copy of the dimensions. */
  public long[] dims() {
    return dims.clone();
  }

  /** Whether every dimension is known. */
  public boolean isFullyKnown() {
    return Arrays.stream(dims).allMatch(d -> d >= 0);
  }

  /** Number of elements; fails if a dimension is unknown. */
  public long size() {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalStateException("shape " + this + " has an unknown dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Renders as {@code [2, 12, 64]}, unknown dimensions as {@code ?}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
    }
    return b.append(']').toString();
  }
}
