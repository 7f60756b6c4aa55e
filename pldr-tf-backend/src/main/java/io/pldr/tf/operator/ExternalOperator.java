package io.pldr.tf.operator;

import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;

/**
 * A constant operator whose A_LM and G_LM {@code [1, H, d, d]} come from a G-cache inferred
 * earlier: the inference model of the reference's v510Gi, which holds no metric learner and no
 * power-law weights and never reads the metric tensor.
 *
 * @param outputs the layer's A_LM and G_LM from the G-cache
 */
public record ExternalOperator(DeductiveOutputs outputs) implements ConstantOperator {
  /** The operator holding one layer's entry of a G-cache. */
  public static ExternalOperator of(OperatorContext ctx, LayerDeductive layer) {
    return new ExternalOperator(
        new DeductiveOutputs(constant(ctx, layer.aLm()), constant(ctx, layer.gLm())));
  }

  private static Tensor constant(OperatorContext ctx, HostTensor t) {
    return ctx.ops().constant(t.shape(), t.toDoubleArray());
  }
}
