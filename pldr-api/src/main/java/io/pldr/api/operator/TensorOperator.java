package io.pldr.api.operator;

import io.pldr.api.tensor.Tensor;

/**
 * What turns a layer's metric tensor A into its deductive outputs A_LM and G_LM, in two stages as
 * the reference computes them: {@link #refine} (the learned operator's residual metric learner; the
 * result is what a KV-cache keeps) and {@link #deduce} (the power law). Constant operators
 * (identity, random, transferred) ignore A, and then attention does not compute it.
 */
public interface TensorOperator {
  /** Whether the operator reads the metric tensor at all. */
  boolean usesMetric();

  /**
   * The refined metric tensor {@code [batch, heads, depth, depth]}; the identity unless the
   * operator learns one.
   */
  default Tensor refine(Tensor metric) {
    return metric;
  }

  /**
   * The deductive outputs for a refined metric tensor, or for {@code null} when {@link
   * #usesMetric()} is false.
   */
  DeductiveOutputs deduce(Tensor refinedMetric);
}
