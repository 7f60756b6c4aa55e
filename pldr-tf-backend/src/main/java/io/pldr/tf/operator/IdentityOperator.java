package io.pldr.tf.operator;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;

/**
 * The constant operator A_LM = G_LM = I {@code [1, H, d, d]}: power law graph attention becomes
 * scaled dot-product attention. It has no parameters and never reads the metric tensor (the
 * reference's v510G with an identity G_LM).
 */
public final class IdentityOperator extends ConstantOperator {
  public IdentityOperator(OperatorContext ctx) {
    super(identity(ctx));
  }

  private static DeductiveOutputs identity(OperatorContext ctx) {
    int h = ctx.heads();
    int d = ctx.depth();
    double[] v = new double[h * d * d];
    for (int head = 0; head < h; head++) {
      for (int i = 0; i < d; i++) {
        v[head * d * d + i * d + i] = 1;
      }
    }
    Tensor identity = ctx.ops().constant(Shape.of(1, h, d, d), v);
    return new DeductiveOutputs(identity, identity);
  }
}
