package io.pldr.api.operator;

import io.pldr.api.tensor.Tensor;
import java.util.Objects;

/**
 * A layer's deductive outputs, each {@code [batch or 1, heads, depth, depth]}: A_LM, the metric
 * tensor made positive definite, and G_LM, the energy-curvature tensor that attention uses as
 * {@code softmax(Q·G_LM·Kᵀ/√d)·V}.
 */
public record DeductiveOutputs(Tensor aLm, Tensor gLm) {
  public DeductiveOutputs {
    Objects.requireNonNull(aLm, "aLm");
    Objects.requireNonNull(gLm, "gLm");
  }
}
