package io.pldr.tf.model;

import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;

/** Layer normalisation over the last axis, eps 1e-6: parameters {@code name.weight, .bias}. */
public final class LayerNorm {
  /** The reference's epsilon for every layer norm. */
  public static final double EPSILON = 1e-6;

  private final TensorOps ops;
  private final Tensor gamma;
  private final Tensor beta;

  public LayerNorm(TensorOps ops, String name, int dim) {
    this.ops = ops;
    this.gamma = ops.parameter(name + ".weight", Shape.of(dim), Initializer.ones());
    this.beta = ops.parameter(name + ".bias", Shape.of(dim), Initializer.zeros());
  }

  public Tensor apply(Tensor x) {
    return ops.layerNorm(x, gamma, beta, EPSILON);
  }
}
