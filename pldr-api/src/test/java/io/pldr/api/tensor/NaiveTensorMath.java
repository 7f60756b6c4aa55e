package io.pldr.api.tensor;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The operations of {@link TensorOps} as plain loops over {@link HostTensor} values in double
 * precision, written from their definitions: the independent computation that {@link
 * TensorOpsContract} checks a backend against. Results are float64; inputs of any type are read as
 * the doubles they hold.
 */
public final class NaiveTensorMath {
  private NaiveTensorMath() {}

  /** A float64 tensor over {@code values}. */
  public static HostTensor tensor(Shape shape, double[] values) {
    return HostTensor.wrap(DType.FLOAT64, shape, values);
  }

  /** {@code f} of every element. */
  public static HostTensor map(HostTensor x, DoubleUnaryOperator f) {
    double[] y = new double[x.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = f.applyAsDouble(x.get(i));
    }
    return tensor(x.shape(), y);
  }

  /**
   * NumPy's broadcasting: shapes aligned at their last axes, missing leading axes count as 1, and
   * each axis of size 1 stretches to the other operand's size.
   */
  public static Shape broadcastShape(Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
      long db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return Shape.of(out);
  }

  /**
   * The row-major offset, in a tensor of shape {@code in} broadcast to {@code out}, of the element
   * that lands at row-major offset {@code flat} of {@code out}.
   */
  static int broadcastOffset(Shape out, int flat, Shape in) {
    int offset = 0;
    int stride = 1;
    int rest = flat;
    for (int i = out.rank() - 1; i >= 0; i--) {
      int size = (int) out.dim(i);
      int index = rest % size;
      rest /= size;
      int j = i - (out.rank() - in.rank());
      if (j >= 0) {
        int inSize = (int) in.dim(j);
        offset += (inSize == 1 ? 0 : index) * stride;
        stride *= inSize;
      }
    }
    return offset;
  }

  /** {@code f(a, b)} element-wise, with NumPy broadcasting. */
  public static HostTensor zip(HostTensor a, HostTensor b, DoubleBinaryOperator f) {
    Shape out = broadcastShape(a.shape(), b.shape());
    double[] y = new double[Math.toIntExact(out.size())];
    for (int i = 0; i < y.length; i++) {
      y[i] =
          f.applyAsDouble(
              a.get(broadcastOffset(out, i, a.shape())), b.get(broadcastOffset(out, i, b.shape())));
    }
    return tensor(out, y);
  }

  /** Softmax over the last axis, each row shifted by its maximum first. */
  public static HostTensor softmax(HostTensor x) {
    int n = (int) x.shape().dim(-1);
    double[] y = new double[x.size()];
    for (int row = 0; row < x.size() / n; row++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, x.get(row * n + j));
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        y[row * n + j] = Math.exp(x.get(row * n + j) - max);
        sum += y[row * n + j];
      }
      for (int j = 0; j < n; j++) {
        y[row * n + j] /= sum;
      }
    }
    return tensor(x.shape(), y);
  }

  /**
   * The product over the last two axes, {@code op(a) · op(b)} where {@code op} transposes when its
   * flag is set; the leading axes are batch axes and broadcast like NumPy's.
   */
  public static HostTensor matmul(
      HostTensor a, HostTensor b, boolean transposeA, boolean transposeB) {
    Shape sa = a.shape();
    Shape sb = b.shape();
    int m = (int) (transposeA ? sa.dim(-1) : sa.dim(-2));
    int k = (int) (transposeA ? sa.dim(-2) : sa.dim(-1));
    int kb = (int) (transposeB ? sb.dim(-1) : sb.dim(-2));
    int n = (int) (transposeB ? sb.dim(-2) : sb.dim(-1));
    if (k != kb) {
      throw new IllegalArgumentException("inner dimensions differ: " + sa + " · " + sb);
    }
    Shape leadA = leading(sa);
    Shape leadB = leading(sb);
    Shape lead = broadcastShape(leadA, leadB);
    int batches = Math.toIntExact(lead.size());
    double[] y = new double[batches * m * n];
    for (int batch = 0; batch < batches; batch++) {
      int baseA = broadcastOffset(lead, batch, leadA) * m * k;
      int baseB = broadcastOffset(lead, batch, leadB) * k * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int p = 0; p < k; p++) {
            double x = a.get(baseA + (transposeA ? p * m + i : i * k + p));
            double z = b.get(baseB + (transposeB ? j * k + p : p * n + j));
            acc += x * z;
          }
          y[(batch * m + i) * n + j] = acc;
        }
      }
    }
    long[] dims = new long[lead.rank() + 2];
    System.arraycopy(lead.dims(), 0, dims, 0, lead.rank());
    dims[lead.rank()] = m;
    dims[lead.rank() + 1] = n;
    return tensor(Shape.of(dims), y);
  }

  private static Shape leading(Shape s) {
    long[] dims = new long[s.rank() - 2];
    System.arraycopy(s.dims(), 0, dims, 0, dims.length);
    return Shape.of(dims);
  }

  /** {@code y[..., o] = Σ_i x[..., i] · weight[o, i] + bias[o]}. */
  public static HostTensor linear(HostTensor x, HostTensor weight, HostTensor bias) {
    int out = (int) weight.shape().dim(0);
    int in = (int) weight.shape().dim(1);
    int rows = x.size() / in;
    double[] y = new double[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double acc = 0;
        for (int i = 0; i < in; i++) {
          acc += x.get(r * in + i) * weight.get(o * in + i);
        }
        y[r * out + o] = acc + bias.get(o);
      }
    }
    long[] dims = x.shape().dims();
    dims[dims.length - 1] = out;
    return tensor(Shape.of(dims), y);
  }

  /**
   * Over the last axis: {@code (x − mean) / sqrt(var + epsilon) · gamma + beta} with the biased
   * variance (divided by the row length); {@code gamma} and {@code beta} have the last axis' size.
   */
  public static HostTensor layerNorm(
      HostTensor x, HostTensor gamma, HostTensor beta, double epsilon) {
    int n = (int) x.shape().dim(-1);
    double[] y = new double[x.size()];
    for (int row = 0; row < x.size() / n; row++) {
      double mean = 0;
      for (int j = 0; j < n; j++) {
        mean += x.get(row * n + j);
      }
      mean /= n;
      double variance = 0;
      for (int j = 0; j < n; j++) {
        double c = x.get(row * n + j) - mean;
        variance += c * c;
      }
      variance /= n;
      for (int j = 0; j < n; j++) {
        y[row * n + j] =
            (x.get(row * n + j) - mean) / Math.sqrt(variance + epsilon) * gamma.get(j)
                + beta.get(j);
      }
    }
    return tensor(x.shape(), y);
  }

  /** The sum over {@code axis}, which is kept with size 1 when {@code keepDims}. */
  public static HostTensor sum(HostTensor x, int axis, boolean keepDims) {
    long[] dims = x.shape().dims();
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= (int) dims[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      inner *= (int) dims[i];
    }
    int n = (int) dims[axis];
    double[] y = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < inner; i++) {
          y[o * inner + i] += x.get((o * n + j) * inner + i);
        }
      }
    }
    long[] out;
    if (keepDims) {
      out = dims;
      out[axis] = 1;
    } else {
      out = new long[dims.length - 1];
      for (int i = 0, j = 0; i < dims.length; i++) {
        if (i != axis) {
          out[j++] = dims[i];
        }
      }
    }
    return tensor(Shape.of(out), y);
  }

  /** Axis {@code i} of the result is axis {@code permutation[i]} of {@code x}. */
  public static HostTensor transpose(HostTensor x, int... permutation) {
    long[] in = x.shape().dims();
    int rank = in.length;
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = in[permutation[i]];
    }
    int[] inStrides = new int[rank];
    int stride = 1;
    for (int i = rank - 1; i >= 0; i--) {
      inStrides[i] = stride;
      stride *= (int) in[i];
    }
    double[] y = new double[x.size()];
    for (int flat = 0; flat < y.length; flat++) {
      int rest = flat;
      int offset = 0;
      for (int i = rank - 1; i >= 0; i--) {
        int index = rest % (int) out[i];
        rest /= (int) out[i];
        offset += index * inStrides[permutation[i]];
      }
      y[flat] = x.get(offset);
    }
    return tensor(Shape.of(out), y);
  }

  /** The parts joined along {@code axis}; every other axis agrees. */
  public static HostTensor concat(int axis, HostTensor... parts) {
    long[] dims = parts[0].shape().dims();
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= (int) dims[i];
    }
    long total = 0;
    for (HostTensor p : parts) {
      total += p.shape().dim(axis);
    }
    dims[axis] = total;
    double[] y = new double[Math.toIntExact(Shape.of(dims).size())];
    int at = 0;
    for (int o = 0; o < outer; o++) {
      for (HostTensor p : parts) {
        int chunk = p.size() / outer;
        for (int i = 0; i < chunk; i++) {
          y[at++] = p.get(o * chunk + i);
        }
      }
    }
    return tensor(Shape.of(dims), y);
  }
}
