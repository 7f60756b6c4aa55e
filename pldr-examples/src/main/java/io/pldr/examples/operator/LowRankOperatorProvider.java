package io.pldr.examples.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/** Provides {@link LowRankOperator}, one per layer, of the rank its option {@code rank} sets. */
public final class LowRankOperatorProvider implements TensorOperatorProvider {
  @Override
  public String description() {
    return "example plug-in: v510's power law, G_LM = I + U·Vᵀ·A_LM^pw with U, V of rank r"
        + " (option 'rank')";
  }

  /** The option {@code rank} is there and an integer from 1 to the head depth. */
  @Override
  public void validate(ModelConfig config) {
    LowRankOptions.of(config);
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return new LowRankOperator(context, LowRankOptions.of(context.config()).rank());
  }
}
