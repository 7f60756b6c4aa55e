package io.pldr.api.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A concrete tensor held in Java memory: parameters read from a checkpoint, results of a forward
 * pass. Values are stored as doubles whatever the {@link DType}; integer tensors hold exact
 * integers (up to 2^53), float32 tensors hold values exactly representable in float32. Immutable.
 */
public final class HostTensor {
  private final DType dtype;
  private final Shape shape;
  private final double[] values;

  private HostTensor(DType dtype, Shape shape, double[] values) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = Objects.requireNonNull(shape, "shape");
    if (!shape.isFullyKnown() || shape.size() != values.length) {
      throw new IllegalArgumentException(
          "shape " + shape + " does not match " + values.length + " values");
    }
    this.values = values;
  }

  /** A tensor of the given type and shape over a copy of {@code values} (row-major). */
  public static HostTensor of(DType dtype, Shape shape, double[] values) {
    return new HostTensor(dtype, shape, values.clone());
  }

  /** Takes ownership of {@code values} without copying: the caller must not change them. */
  public static HostTensor wrap(DType dtype, Shape shape, double[] values) {
    return new HostTensor(dtype, shape, values);
  }

  /** A float32 tensor over a copy of {@code values}. */
  public static HostTensor ofFloats(Shape shape, float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return new HostTensor(DType.FLOAT32, shape, d);
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
    return new HostTensor(DType.INT64, Shape.of(rows.length, cols), d);
  }

  public DType dtype() {
    return dtype;
  }

  public Shape shape() {
    return shape;
  }

  /** Number of elements. */
  public int size() {
    return values.length;
  }

  /** Element {@code i} in row-major order. */
  public double get(int i) {
    return values[i];
  }

  /** A copy of all elements, row-major. */
  public double[] toDoubleArray() {
    return values.clone();
  }

  /** All elements as floats, row-major. */
  public float[] toFloatArray() {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
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
        out[r][c] = (long) values[r * cols + c];
      }
    }
    return out;
  }

  /** The same elements under another type (rounded to float32 when asked for). */
  public HostTensor as(DType target) {
    if (target == dtype) {
      return this;
    }
    double[] d = values.clone();
    if (target == DType.FLOAT32) {
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) d[i];
      }
    } else if (!target.isFloating()) {
      for (int i = 0; i < d.length; i++) {
        d[i] = Math.rint(d[i]);
      }
    }
    return new HostTensor(target, shape, d);
  }

  /** The same elements under another shape of equal size. */
  public HostTensor reshape(Shape newShape) {
    return new HostTensor(dtype, newShape, values);
  }

  /** Largest absolute element-wise difference to {@code other}, which must have this shape. */
  public double maxAbsDiff(HostTensor other) {
    if (!shape.equals(other.shape)) {
      throw new IllegalArgumentException("shapes differ: " + shape + " vs " + other.shape);
    }
    double m = 0;
    for (int i = 0; i < values.length; i++) {
      m = Math.max(m, Math.abs(values[i] - other.values[i]));
    }
    return m;
  }

  /** Largest absolute element. */
  public double maxAbs() {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t
        && dtype == t.dtype
        && shape.equals(t.shape)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, shape, Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "HostTensor[" + dtype + " " + shape + "]";
  }
}
