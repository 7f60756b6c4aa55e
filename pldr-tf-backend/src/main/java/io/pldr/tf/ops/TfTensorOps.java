package io.pldr.tf.ops;

import io.pldr.api.config.TrainPrecision;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * pldr's tensor algebra on a TensorFlow graph. Every floating-point result has the model's type;
 * parameters become graph variables in the model's {@link ParameterRegistry}. Backend code may also
 * use {@link #tf()} and {@link #unwrap} for operations the algebra does not have.
 */
public final class TfTensorOps implements TensorOps {
  private final Ops tf;
  private final ParameterRegistry parameters;
  private final Class<? extends TFloating> type;
  private final boolean bf16Products;

  /** Matrix products in the model's type. */
  public TfTensorOps(Ops tf, ParameterRegistry parameters) {
    this(tf, parameters, TrainPrecision.MODEL_DTYPE);
  }

  /**
   * Matrix products ({@link #matmul}, {@link #linear}) in {@code precision}: with {@link
   * TrainPrecision#BF16_MIXED} their float32 operands are cast to bfloat16, multiplied in bfloat16
   * and the product cast back to float32 (a float64 model is refused); everything else stays in the
   * model's type.
   */
  public TfTensorOps(Ops tf, ParameterRegistry parameters, TrainPrecision precision) {
    this.tf = tf;
    this.parameters = parameters;
    this.type = TfTypes.floating(parameters.dtype());
    this.bf16Products = precision == TrainPrecision.BF16_MIXED;
    if (bf16Products && parameters.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          "bfloat16 mixed precision needs a float32 model, found " + parameters.dtype());
    }
  }

  /** Whether matrix products are computed in bfloat16 (mixed precision). */
  public boolean bf16Products() {
    return bf16Products;
  }

  /** The TensorFlow op builder of the graph. */
  public Ops tf() {
    return tf;
  }

  /** The TensorFlow class of the model's floating-point type. */
  @SuppressWarnings("unchecked")
  public <T extends TFloating> Class<T> type() {
    return (Class<T>) type;
  }

  /** The parameters created through this algebra. */
  public ParameterRegistry parameters() {
    return parameters;
  }

  /** Wraps a graph operand. */
  public Tensor wrap(Operand<?> operand) {
    return new TfTensor(operand);
  }

  /** The graph operand of a tensor made by this backend. */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> unwrap(Tensor t) {
    if (t instanceof TfTensor tt) {
      return (Operand<T>) tt.operand();
    }
    throw new IllegalArgumentException("not a TensorFlow tensor: " + t);
  }

  private <T extends TFloating> Operand<T> f(Tensor t) {
    return unwrap(t);
  }

  /** A scalar of the model's type, as an operand. */
  public <T extends TFloating> Operand<T> scalar(double value) {
    return tf.dtypes.cast(tf.constant(value), this.<T>type());
  }

  @Override
  public DType floatType() {
    return parameters.dtype();
  }

  @Override
  public Tensor constant(double value) {
    return wrap(scalar(value));
  }

  @Override
  public Tensor constant(Shape shape, double[] values) {
    Constant<org.tensorflow.types.TFloat64> c =
        tf.constant(TfTypes.shape(shape), DataBuffers.of(values, true, false));
    return wrap(tf.dtypes.cast(c, type));
  }

  @Override
  public Tensor eye(int n) {
    double[] v = new double[n * n];
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1;
    }
    return constant(Shape.of(n, n), v);
  }

  @Override
  public Tensor parameter(String name, Shape shape, Initializer initializer) {
    return wrap(parameters.create(name, shape, initializer).value());
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return wrap(tf.math.add(f(a), f(b)));
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return wrap(tf.math.sub(f(a), f(b)));
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return wrap(tf.math.mul(f(a), f(b)));
  }

  @Override
  public Tensor div(Tensor a, Tensor b) {
    return wrap(tf.math.div(f(a), f(b)));
  }

  @Override
  public Tensor scale(Tensor x, double factor) {
    return wrap(tf.math.mul(f(x), scalar(factor)));
  }

  @Override
  public Tensor pow(Tensor base, Tensor exponent) {
    return wrap(tf.math.pow(f(base), f(exponent)));
  }

  @Override
  public Tensor exp(Tensor x) {
    return wrap(tf.math.exp(f(x)));
  }

  @Override
  public Tensor sigmoid(Tensor x) {
    return wrap(tf.math.sigmoid(f(x)));
  }

  @Override
  public Tensor silu(Tensor x) {
    Operand<TFloating> v = f(x);
    return wrap(tf.math.mul(v, tf.math.sigmoid(v)));
  }

  @Override
  public Tensor softmax(Tensor x) {
    return wrap(parameters.mode().softmax(tf, f(x)));
  }

  /**
   * Applies {@code op} (an operation over the last axis, such as log-softmax) to a tensor of any
   * rank as the graph's mode needs it: through a rank-2 view in a training graph (see {@link
   * GraphMode}).
   */
  public <T extends TFloating> Operand<T> lastAxis(
      Operand<T> x, java.util.function.Function<Operand<T>, Operand<T>> op) {
    return parameters.mode().lastAxis(tf, x, op);
  }

  @Override
  public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
    if (bf16Products) {
      Tensor product =
          modelTypeMatmul(wrap(toBf16(f(a))), wrap(toBf16(f(b))), transposeA, transposeB);
      return wrap(fromBf16(unwrap(product)));
    }
    return modelTypeMatmul(a, b, transposeA, transposeB);
  }

  /**
   * A matrix product in the operands' own type whatever the precision (for numerically sensitive
   * products such as a matrix exponential's squarings).
   */
  public Tensor modelTypeMatmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
    Operand<TFloating> x = f(a);
    Operand<TFloating> y = f(b);
    if (x.shape().numDimensions() == 2 && y.shape().numDimensions() == 2) {
      return wrap(
          tf.linalg.matMul(
              x,
              y,
              org.tensorflow.op.linalg.MatMul.transposeA(transposeA),
              org.tensorflow.op.linalg.MatMul.transposeB(transposeB)));
    }
    return wrap(
        tf.train.batchMatMul(
            x, y, x.type(), BatchMatMul.adjX(transposeA), BatchMatMul.adjY(transposeB)));
  }

  private Operand<TBfloat16> toBf16(Operand<TFloating> x) {
    return tf.dtypes.cast(x, TBfloat16.class);
  }

  private Operand<TFloating> fromBf16(Operand<TBfloat16> x) {
    return tf.dtypes.cast(x, this.<TFloating>type());
  }

  @Override
  public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    Operand<TFloating> in = f(x);
    Operand<TFloating> w = f(weight);
    long out = w.shape().get(0);
    long inDim = w.shape().get(1);
    int rank = in.shape().numDimensions();
    Operand<TFloating> flat = rank == 2 ? in : tf.reshape(in, tf.constant(new long[] {-1, inDim}));
    Operand<TFloating> product =
        bf16Products
            ? fromBf16(
                tf.linalg.matMul(
                    toBf16(flat), toBf16(w), org.tensorflow.op.linalg.MatMul.transposeB(true)))
            : tf.linalg.matMul(flat, w, org.tensorflow.op.linalg.MatMul.transposeB(true));
    Operand<TFloating> y = tf.math.add(product, f(bias));
    if (rank == 2) {
      return wrap(y);
    }
    Operand<TInt32> lead =
        tf.stridedSlice(tf.shape(in), org.tensorflow.ndarray.index.Indices.sliceTo(-1));
    Operand<TInt32> shape =
        tf.concat(List.of(lead, tf.constant(new int[] {(int) out})), tf.constant(0));
    return wrap(tf.reshape(y, shape));
  }

  @Override
  public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double epsilon) {
    Operand<TFloating> v = f(x);
    Operand<TInt32> last = tf.constant(-1);
    Operand<TFloating> mean = tf.math.mean(v, last, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloating> centered = tf.math.sub(v, mean);
    Operand<TFloating> variance =
        tf.math.mean(tf.math.square(centered), last, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloating> normed =
        tf.math.mul(centered, tf.math.rsqrt(tf.math.add(variance, scalar(epsilon))));
    return wrap(tf.math.add(tf.math.mul(normed, f(gamma)), f(beta)));
  }

  @Override
  public Tensor sum(Tensor x, int axis, boolean keepDims) {
    return wrap(tf.sum(f(x), tf.constant(axis), org.tensorflow.op.core.Sum.keepDims(keepDims)));
  }

  @Override
  public Tensor reshape(Tensor x, long... shape) {
    return wrap(tf.reshape(unwrap(x), tf.constant(shape)));
  }

  @Override
  public Tensor transpose(Tensor x, int... permutation) {
    return wrap(tf.linalg.transpose(unwrap(x), tf.constant(permutation)));
  }

  @Override
  public Tensor concat(int axis, Tensor... parts) {
    List<Operand<TType>> ops = new ArrayList<>();
    Arrays.stream(parts).forEach(p -> ops.add(unwrap(p)));
    return wrap(tf.concat(ops, tf.constant(axis)));
  }

  @Override
  public List<Tensor> split(Tensor x, int axis, Tensor... like) {
    List<Operand<TInt32>> sizes = new ArrayList<>();
    for (int i = 0; i < like.length; i++) {
      // the last piece takes the rest (SplitV's −1): two nodes fewer
      sizes.add(
          i == like.length - 1 && i > 0
              ? tf.constant(-1)
              : tf.stridedSlice(
                  tf.shape(unwrap(like[i])), org.tensorflow.ndarray.index.Indices.at(axis)));
    }
    var pieces =
        tf.splitV(unwrap(x), tf.stack(sizes), tf.constant(axis), (long) like.length).output();
    List<Tensor> out = new ArrayList<>();
    pieces.forEach(p -> out.add(wrap(p)));
    return out;
  }
}
