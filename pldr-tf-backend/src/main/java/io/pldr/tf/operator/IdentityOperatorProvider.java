package io.pldr.tf.operator;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/** Provides {@link IdentityOperator}: G_LM = I, scaled dot-product attention. */
public final class IdentityOperatorProvider implements TensorOperatorProvider {
  @Override
  public String description() {
    return "constant G_LM = I: scaled dot-product attention (v510G identity)";
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return IdentityOperator.of(context);
  }
}
