package io.pldr.examples.operator;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/** Provides {@link LowRankOperator} under the name {@code low_rank}. */
public final class LowRankOperatorProvider implements TensorOperatorProvider {
  /** The operator's name in configurations. */
  public static final String NAME = "low_rank";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "example plug-in: v510's power law, G_LM = I + U·Vᵀ·A_LM^pw with U, V of rank r"
        + " (option 'rank')";
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return new LowRankOperator(context, LowRankOptions.of(context).rank());
  }
}
