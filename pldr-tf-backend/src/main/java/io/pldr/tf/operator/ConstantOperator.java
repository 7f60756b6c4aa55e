package io.pldr.tf.operator;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.tensor.Tensor;

/**
 * An operator whose A_LM and G_LM are fixed when the model is built: the reference's v510G and
 * v510Gi. It never reads the metric tensor, so attention does not compute it.
 */
public abstract class ConstantOperator implements TensorOperator {
  private final DeductiveOutputs constant;

  protected ConstantOperator(DeductiveOutputs constant) {
    this.constant = constant;
  }

  @Override
  public final boolean usesMetric() {
    return false;
  }

  @Override
  public final DeductiveOutputs deduce(Tensor refinedMetric) {
    return constant;
  }
}
