package io.pldr.api.operator;

import io.pldr.api.tensor.Tensor;

/**
 * A tensor operator that computes the deductive outputs from the layer's metric tensor A {@code [B,
 * H, d, d]}, in two stages as the reference does: {@link #refine} (the learned operator's residual
 * metric learner; its result is what a KV-cache keeps) and {@link #deduce} (the power law).
 */
public non-sealed interface MetricOperator extends TensorOperator {
  /** The refined metric tensor {@code [B, H, d, d]}; the metric tensor itself unless overridden. */
  default Tensor refine(Tensor metric) {
    return metric;
  }

  /** A_LM and G_LM {@code [B, H, d, d]} for a refined metric tensor. */
  DeductiveOutputs deduce(Tensor refinedMetric);
}
