package io.pldr.tf.operator;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/** Provides {@link IdentityOperator} under the name {@code identity}. */
public final class IdentityOperatorProvider implements TensorOperatorProvider {
  public static final String NAME = "identity";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "constant G_LM = I: scaled dot-product attention (v510G identity)";
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return new IdentityOperator(context);
  }
}
