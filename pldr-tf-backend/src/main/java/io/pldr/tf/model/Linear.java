package io.pldr.tf.model;

import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;

/** {@code y = x·Wᵀ + b}, W {@code [out, in]}: parameters {@code name.weight}, {@code name.bias}. */
public final class Linear {
  private final TensorOps ops;
  private final Tensor weight;
  private final Tensor bias;

  public Linear(TensorOps ops, String name, int in, int out) {
    this.ops = ops;
    this.weight = ops.parameter(name + ".weight", Shape.of(out, in), Initializer.xavierUniform());
    this.bias = ops.parameter(name + ".bias", Shape.of(out), Initializer.zeros());
  }

  /** {@code [..., in]} to {@code [..., out]}. */
  public Tensor apply(Tensor x) {
    return ops.linear(x, weight, bias);
  }
}
