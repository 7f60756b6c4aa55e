package io.pldr.api.model;

import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.operator.TensorOperatorProvider;
import java.util.Objects;

/**
 * A model configuration resolved against what is installed: the configuration, the tensor operator
 * its {@code tensor_operator.name} selects and the attention variant its {@code attention} selects,
 * checked together. Everything that builds a model graph takes one; an injector made for a
 * configuration provides it.
 */
public record ModelSpec(
    ModelConfig config, TensorOperatorProvider operator, AttentionProvider attention) {
  public ModelSpec {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(attention, "attention");
  }

  /** The same model in another precision (the invariance report measures in float64). */
  public ModelSpec withPrecision(Precision precision) {
    return new ModelSpec(config.toBuilder().setPrecision(precision).build(), operator, attention);
  }
}
