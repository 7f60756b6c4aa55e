package io.pldr.api.tensor;

/**
 * The tensor algebra that tensor operators and attention variants are written in, so that they
 * never name a backend type. A backend implements it over its own graph; gradients flow through
 * everything built with it. Binary operations broadcast like NumPy. Every floating-point result has
 * the model's precision, {@link #floatType()}.
 */
public interface TensorOps {
  /** The model's floating-point type. */
  DType floatType();

  /** A scalar constant. */
  Tensor constant(double value);

  /** A constant of the given shape, values in row-major order. */
  Tensor constant(Shape shape, double[] values);

  /** The {@code n × n} identity matrix. */
  Tensor eye(int n);

  /**
   * A trainable parameter. {@code name} is its global name in checkpoints (for a layer, the
   * context's scope plus a local name); asking twice for one name is an error.
   */
  Tensor parameter(String name, Shape shape, Initializer initializer);

  Tensor add(Tensor a, Tensor b);

  Tensor sub(Tensor a, Tensor b);

  Tensor mul(Tensor a, Tensor b);

  Tensor div(Tensor a, Tensor b);

  /** {@code x · factor}. */
  Tensor scale(Tensor x, double factor);

  /** Element-wise {@code base ^ exponent}. */
  Tensor pow(Tensor base, Tensor exponent);

  Tensor exp(Tensor x);

  Tensor sigmoid(Tensor x);

  /** {@code x · sigmoid(x)}. */
  Tensor silu(Tensor x);

  /** Softmax over the last axis. */
  Tensor softmax(Tensor x);

  /** Matrix product over the last two axes, batched and broadcast over the leading ones. */
  default Tensor matmul(Tensor a, Tensor b) {
    return matmul(a, b, false, false);
  }

  /** Matrix product with either operand transposed in its last two axes. */
  Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);

  /** {@code x · weightᵀ + bias} over the last axis; {@code weight} is {@code [out, in]}. */
  Tensor linear(Tensor x, Tensor weight, Tensor bias);

  /** Layer normalisation over the last axis (biased variance), then {@code · gamma + beta}. */
  Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double epsilon);

  /** Sum over one axis. */
  Tensor sum(Tensor x, int axis, boolean keepDims);

  /** A new shape with the same elements; one dimension may be {@code -1}. */
  Tensor reshape(Tensor x, long... shape);

  /** Permutes the axes. */
  Tensor transpose(Tensor x, int... permutation);

  /** Joins tensors along an axis. */
  Tensor concat(int axis, Tensor... parts);

  /**
   * Cuts {@code x} along {@code axis} into consecutive pieces, piece i as long along that axis as
   * {@code like[i]} (the pieces' lengths sum to x's): the inverse of {@link #concat}, with lengths
   * known only when the graph runs.
   */
  java.util.List<Tensor> split(Tensor x, int axis, Tensor... like);
}
