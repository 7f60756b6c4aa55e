package io.pldr.tf.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/**
 * Provides {@link ExternalOperator} for the ablation with a transferred G_LM: A_LM and G_LM from
 * another, trained model's G-cache file (option {@code file}), held constant while this model
 * trains (the reference's v510G). The same operator as {@code external}, named for that use: the
 * file's shape, checksum and values are checked, not the model it was inferred from.
 */
public final class TransferredOperatorProvider implements TensorOperatorProvider {
  private final ExternalOperatorProvider external = new ExternalOperatorProvider();

  @Override
  public String description() {
    return "constant A_LM, G_LM per layer from another model's G-cache file (option 'file';"
        + " v510G transferred; same as 'external')";
  }

  @Override
  public void validate(ModelConfig config) {
    external.validate(config);
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return external.create(context);
  }
}
