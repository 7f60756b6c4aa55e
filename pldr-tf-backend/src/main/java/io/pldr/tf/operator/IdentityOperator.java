package io.pldr.tf.operator;

import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;

/**
 * The constant operator A_LM = G_LM = I {@code [1, H, d, d]}: power law graph attention becomes
 * scaled dot-product attention. It has no parameters and never reads the metric tensor (the
 * reference's v510G with an identity G_LM).
 *
 * @param outputs the identity, as A_LM and G_LM
 */
public record IdentityOperator(DeductiveOutputs outputs) implements ConstantOperator {
  /** The identity for the context's heads and depth. */
  public static IdentityOperator of(OperatorContext ctx) {
    int h = ctx.heads();
    int d = ctx.depth();
    double[] v = new double[h * d * d];
    for (int head = 0; head < h; head++) {
      for (int i = 0; i < d; i++) {
        v[head * d * d + i * d + i] = 1;
      }
    }
    Tensor identity = ctx.ops().constant(Shape.of(1, h, d, d), v);
    return new IdentityOperator(new DeductiveOutputs(identity, identity));
  }
}
