package io.pldr.tf.operator;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/** Provides {@link LearnedPlgaOperator} under the name {@code learned}. */
public final class LearnedPlgaProvider implements TensorOperatorProvider {
  public static final String NAME = "learned";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "PLGA deep net (v510): metric learner, then A_LM = iSwiGLU(W·A+b), G_LM = a·A_LM^pw + b_a";
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return new LearnedPlgaOperator(context);
  }
}
