package io.pldr.api.operator;

import io.pldr.api.tensor.Tensor;
import java.util.Objects;
import java.util.Optional;

/**
 * A layer's deductive outputs, each {@code [batch or 1, heads, depth, depth]}: A_LM, the metric
 * tensor made positive definite, and G_LM, the energy-curvature tensor that attention uses as
 * {@code softmax(Q·G_LM·Kᵀ/√d)·V}; and, from operators that compute one, the potential tensor A_P
 * that G_LM is an affine map of (the learned operator's A_LM ^ pw).
 */
public record DeductiveOutputs(Tensor aLm, Tensor gLm, Optional<Tensor> potential) {
  public DeductiveOutputs {
    Objects.requireNonNull(aLm, "aLm");
    Objects.requireNonNull(gLm, "gLm");
    Objects.requireNonNull(potential, "potential");
  }

  /** A_LM and G_LM without a potential tensor. */
  public DeductiveOutputs(Tensor aLm, Tensor gLm) {
    this(aLm, gLm, Optional.empty());
  }
}
