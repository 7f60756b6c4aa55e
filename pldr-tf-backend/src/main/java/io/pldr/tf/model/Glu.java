package io.pldr.tf.model;

import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;

/**
 * The gated linear unit of the reference: {@code W3·(silu(W1·x + b1) ⊙ (W2·x + b2)) + b3}, {@code
 * in → hidden → out}, parameters {@code name.gluw1..3}. Used for the feed-forward network and for
 * each dense layer of the metric learner.
 */
public final class Glu {
  private final TensorOps ops;
  private final Linear w1;
  private final Linear w2;
  private final Linear w3;

  public Glu(TensorOps ops, String name, int in, int hidden, int out) {
    this.ops = ops;
    this.w1 = new Linear(ops, name + ".gluw1", in, hidden);
    this.w2 = new Linear(ops, name + ".gluw2", in, hidden);
    this.w3 = new Linear(ops, name + ".gluw3", hidden, out);
  }

  /** {@code [..., in]} to {@code [..., out]}. */
  public Tensor apply(Tensor x) {
    return w3.apply(ops.mul(ops.silu(w1.apply(x)), w2.apply(x)));
  }
}
