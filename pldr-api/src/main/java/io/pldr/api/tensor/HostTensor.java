package io.pldr.api.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A concrete tensor held in Java memory: parameters read from a checkpoint, results of a forward
 * pass. Values read as doubles whatever the {@link DType}; integer tensors hold exact integers (up
 * to 2^53), float32 tensors hold values exactly representable in float32. A float32 tensor made
 * from floats ({@link #ofFloats}, {@link #wrapFloats}) keeps them as floats, half the memory of
 * doubles, and copies out in bulk ({@link #copyTo(int, float[], int, int)}). Immutable.
 */
public final class HostTensor {
  private final DType dtype;
  private final Shape shape;
  // Exactly one of the two holds the values: floats only for FLOAT32.
  private final double[] values;
  private final float[] floats;

  private HostTensor(DType dtype, Shape shape, double[] values, float[] floats) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = Objects.requireNonNull(shape, "shape");
    int length = values != null ? values.length : floats.length;
    if (!shape.isFullyKnown() || shape.size() != length) {
      throw new IllegalArgumentException(
          "shape " + shape + " does not match " + length + " values");
    }
    if (floats != null && dtype != DType.FLOAT32) {
      throw new IllegalArgumentException("floats make a FLOAT32 tensor, not " + dtype);
    }
    this.values = values;
    this.floats = floats;
  }

  /** A tensor of the given type and shape over a copy of {@code values} (row-major). */
  public static HostTensor of(DType dtype, Shape shape, double[] values) {
    return new HostTensor(dtype, shape, values.clone(), null);
  }

  /** Takes ownership of {@code values} without copying: the caller must not change them. */
  public static HostTensor wrap(DType dtype, Shape shape, double[] values) {
    return new HostTensor(dtype, shape, values, null);
  }

  /** A float32 tensor over a copy of {@code values}. */
  public static HostTensor ofFloats(Shape shape, float[] values) {
    return new HostTensor(DType.FLOAT32, shape, null, values.clone());
  }

  /**
   * A float32 tensor that takes ownership of {@code values} without copying: the caller must not
   * change them.
   */
  public static HostTensor wrapFloats(Shape shape, float[] values) {
    return new HostTensor(DType.FLOAT32, shape, null, values);
  }

  /** An int64 tensor of token ids, one row per sequence (rows of equal length). */
  public static HostTensor ofTokens(long[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] d = new double[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != cols) {
        throw new IllegalArgumentException(
            "token row " + r + " has " + rows[r].length + " tokens, row 0 has " + cols);
      }
      for (int c = 0; c < cols; c++) {
        d[r * cols + c] = rows[r][c];
      }
    }
    return new HostTensor(DType.INT64, Shape.of(rows.length, cols), d, null);
  }

  public DType dtype() {
    return dtype;
  }

  public Shape shape() {
    return shape;
  }

  /** Number of elements. */
  public int size() {
    return values != null ? values.length : floats.length;
  }

  /** Element {@code i} in row-major order. */
  public double get(int i) {
    return values != null ? values[i] : floats[i];
  }

  /** The index of the first NaN or infinite element, if any (row-major). */
  public java.util.OptionalInt firstNonFinite() {
    for (int i = 0; i < size(); i++) {
      if (!Double.isFinite(get(i))) {
        return java.util.OptionalInt.of(i);
      }
    }
    return java.util.OptionalInt.empty();
  }

  /** A copy of all elements, row-major. */
  public double[] toDoubleArray() {
    if (values != null) {
      return values.clone();
    }
    double[] d = new double[floats.length];
    copyTo(0, d, 0, d.length);
    return d;
  }

  /** All elements as floats, row-major. */
  public float[] toFloatArray() {
    if (floats != null) {
      return floats.clone();
    }
    float[] f = new float[values.length];
    copyTo(0, f, 0, f.length);
    return f;
  }

  /**
   * Copies {@code length} elements from element {@code from} on into {@code dst} at {@code offset},
   * as floats (rounded, if held as doubles): a bulk copy for a float32 tensor.
   */
  public void copyTo(int from, float[] dst, int offset, int length) {
    if (floats != null) {
      System.arraycopy(floats, from, dst, offset, length);
      return;
    }
    java.util.Objects.checkFromIndexSize(from, length, values.length);
    java.util.Objects.checkFromIndexSize(offset, length, dst.length);
    for (int i = 0; i < length; i++) {
      dst[offset + i] = (float) values[from + i];
    }
  }

  /**
   * Copies {@code length} elements from element {@code from} on into {@code dst} at {@code offset}:
   * a bulk copy unless the tensor holds floats.
   */
  public void copyTo(int from, double[] dst, int offset, int length) {
    if (values != null) {
      System.arraycopy(values, from, dst, offset, length);
      return;
    }
    java.util.Objects.checkFromIndexSize(from, length, floats.length);
    java.util.Objects.checkFromIndexSize(offset, length, dst.length);
    for (int i = 0; i < length; i++) {
      dst[offset + i] = floats[from + i];
    }
  }

  /** A rank-2 tensor's rows as {@code long} arrays (token ids). */
  public long[][] toLongRows() {
    if (shape.rank() != 2) {
      throw new IllegalStateException("expected a rank-2 tensor, found shape " + shape);
    }
    int rows = (int) shape.dim(0);
    int cols = (int) shape.dim(1);
    long[][] out = new long[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r][c] = (long) get(r * cols + c);
      }
    }
    return out;
  }

  /** The same elements under another type (rounded to float32 when asked for). */
  public HostTensor as(DType target) {
    if (target == dtype) {
      return this;
    }
    if (target == DType.FLOAT32) {
      return new HostTensor(target, shape, null, toFloatArray());
    }
    double[] d = toDoubleArray();
    if (!target.isFloating()) {
      for (int i = 0; i < d.length; i++) {
        d[i] = Math.rint(d[i]);
      }
    }
    return new HostTensor(target, shape, d, null);
  }

  /** The same elements under another shape of equal size. */
  public HostTensor reshape(Shape newShape) {
    return new HostTensor(dtype, newShape, values, floats);
  }

  /** Largest absolute element-wise difference to {@code other}, which must have this shape. */
  public double maxAbsDiff(HostTensor other) {
    if (!shape.equals(other.shape)) {
      throw new IllegalArgumentException("shapes differ: " + shape + " vs " + other.shape);
    }
    double m = 0;
    for (int i = 0; i < size(); i++) {
      m = Math.max(m, Math.abs(get(i) - other.get(i)));
    }
    return m;
  }

  /** Largest absolute element. */
  public double maxAbs() {
    double m = 0;
    for (int i = 0; i < size(); i++) {
      m = Math.max(m, Math.abs(get(i)));
    }
    return m;
  }

  /** Equal type, shape and elements (however each tensor holds them). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HostTensor t) || dtype != t.dtype || !shape.equals(t.shape)) {
      return false;
    }
    if (values != null && t.values != null) {
      return Arrays.equals(values, t.values);
    }
    if (floats != null && t.floats != null) {
      return Arrays.equals(floats, t.floats);
    }
    for (int i = 0; i < size(); i++) {
      if (Double.compare(get(i), t.get(i)) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < size(); i++) {
      long bits = Double.doubleToLongBits(get(i));
      h = 31 * h + (int) (bits ^ (bits >>> 32));
    }
    return Objects.hash(dtype, shape, h);
  }

  @Override
  public String toString() {
    return "HostTensor[" + dtype + " " + shape + "]";
  }
}
