package io.pldr.api.operator;

import io.pldr.api.tensor.Tensor;

/**
 * What turns a layer's metric tensor A into its deductive outputs A_LM and G_LM. The learned
 * operator is PLGA's deep net (residual metric learner, then the power law); constant operators
 * (identity, random, transferred) ignore A, and then attention does not compute it.
 */
public interface TensorOperator {
  /** Whether {@link #deduce} reads the metric tensor. */
  boolean usesMetric();

  /**
   * The deductive outputs for a metric tensor {@code [batch, heads, depth, depth]}, or for
   * {@code null} when {@link #usesMetric()} is false.
   */
  DeductiveOutputs deduce(Tensor metric);
}
