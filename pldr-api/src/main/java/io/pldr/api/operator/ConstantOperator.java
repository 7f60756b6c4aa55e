package io.pldr.api.operator;

/**
 * A tensor operator whose deductive outputs are fixed when the model is built and do not depend on
 * the input: the reference's v510G (identity, random or transferred G_LM) and v510Gi. Attention
 * never computes the metric tensor for it, and every cache mode decodes exactly as recomputation
 * does.
 */
public non-sealed interface ConstantOperator extends TensorOperator {
  /** A_LM and G_LM, each {@code [1, H, d, d]}. */
  DeductiveOutputs outputs();
}
