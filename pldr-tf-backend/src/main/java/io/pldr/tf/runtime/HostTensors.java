package io.pldr.tf.runtime;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.ops.TfTypes;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DoubleDataBuffer;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Copies between {@link HostTensor}s and TensorFlow tensors, in bulk through the tensors' raw
 * buffers (NdArray's {@code copyTo} goes element by element). Floating-point values go to
 * TensorFlow in chunks of {@value #CHUNK} elements, so that no array the size of a tensor is made
 * on the way; float32 tensors come back as floats.
 */
public final class HostTensors {
  /** Elements converted per bulk copy. */
  static final int CHUNK = 1 << 14;

  private HostTensors() {}

  /** A TensorFlow tensor of {@code dtype} holding {@code t}'s values; the caller closes it. */
  public static Tensor toTensor(HostTensor t, DType dtype) {
    org.tensorflow.ndarray.Shape shape = TfTypes.shape(t.shape());
    switch (dtype) {
      case FLOAT32 -> {
        TFloat32 out = TFloat32.tensorOf(shape);
        FloatDataBuffer data = out.asRawTensor().data().asFloats();
        int n = t.size();
        float[] chunk = new float[Math.min(n, CHUNK)];
        for (int start = 0; start < n; start += CHUNK) {
          int length = Math.min(CHUNK, n - start);
          t.copyTo(start, chunk, 0, length);
          data.offset(start).write(chunk, 0, length);
        }
        return out;
      }
      case FLOAT64 -> {
        TFloat64 out = TFloat64.tensorOf(shape);
        DoubleDataBuffer data = out.asRawTensor().data().asDoubles();
        int n = t.size();
        double[] chunk = new double[Math.min(n, CHUNK)];
        for (int start = 0; start < n; start += CHUNK) {
          int length = Math.min(CHUNK, n - start);
          t.copyTo(start, chunk, 0, length);
          data.offset(start).write(chunk, 0, length);
        }
        return out;
      }
      case INT64 -> {
        TInt64 out = TInt64.tensorOf(shape);
        out.asRawTensor()
            .data()
            .asLongs()
            .write(java.util.Arrays.stream(t.toDoubleArray()).mapToLong(x -> (long) x).toArray());
        return out;
      }
      case INT32 -> {
        TInt32 out = TInt32.tensorOf(shape);
        out.asRawTensor()
            .data()
            .asInts()
            .write(java.util.Arrays.stream(t.toDoubleArray()).mapToInt(x -> (int) x).toArray());
        return out;
      }
      default -> throw new IllegalArgumentException("unsupported type " + dtype);
    }
  }

  /** An int64 tensor of token rows; the caller closes it. */
  public static TInt64 tokens(long[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    long[] flat = new long[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    TInt64 out = TInt64.tensorOf(org.tensorflow.ndarray.Shape.of(rows.length, cols));
    out.asRawTensor().data().asLongs().write(flat);
    return out;
  }

  /** A host copy of a floating-point or integer TensorFlow tensor. */
  public static HostTensor fromTensor(Tensor t) {
    io.pldr.api.tensor.Shape shape = TfTypes.shape(t.shape());
    int n = Math.toIntExact(t.shape().size());
    if (t instanceof TFloat32 f) {
      float[] v = new float[n];
      f.asRawTensor().data().asFloats().read(v);
      return HostTensor.wrapFloats(shape, v);
    }
    double[] d = new double[n];
    if (t instanceof TFloat64 f) {
      f.asRawTensor().data().asDoubles().read(d);
      return HostTensor.wrap(DType.FLOAT64, shape, d);
    } else if (t instanceof TInt64 l) {
      long[] v = new long[n];
      l.asRawTensor().data().asLongs().read(v);
      for (int i = 0; i < n; i++) {
        d[i] = v[i];
      }
      return HostTensor.wrap(DType.INT64, shape, d);
    } else if (t instanceof TInt32 l) {
      int[] v = new int[n];
      l.asRawTensor().data().asInts().read(v);
      for (int i = 0; i < n; i++) {
        d[i] = v[i];
      }
      return HostTensor.wrap(DType.INT32, shape, d);
    }
    throw new IllegalArgumentException("unsupported tensor type " + t.dataType());
  }
}
