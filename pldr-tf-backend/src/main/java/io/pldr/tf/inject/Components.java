package io.pldr.tf.inject;

import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.operator.TensorOperatorProvider;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every tensor operator and attention variant installed in the injector, by the name it is bound
 * under: the built-in ones and those of plug-in modules. Resolves a configuration into a {@link
 * ModelSpec}; an unknown name fails listing the installed ones.
 */
public final class Components {
  private static final String SOURCE = "model config";

  private final Map<String, TensorOperatorProvider> operators;
  private final Map<String, AttentionProvider> attentions;

  @Inject
  public Components(
      Map<String, TensorOperatorProvider> operators, Map<String, AttentionProvider> attentions) {
    this.operators = new TreeMap<>(operators);
    this.attentions = new TreeMap<>(attentions);
  }

  /**
   * The configuration (validated, defaults filled in) with the operator and attention it names; the
   * operator checks the fields and options it reads. Nothing is built.
   */
  public ModelSpec spec(ModelConfig config) {
    ModelSpec spec = named(config);
    spec.operator().validate(spec.config());
    return spec;
  }

  /**
   * The configuration with the operator and attention it names, without the operator's own checks
   * (for a configuration whose operator reads a file that is yet to be written).
   */
  public ModelSpec named(ModelConfig config) {
    ModelConfig valid = ModelConfigs.validate(config, SOURCE);
    String name = valid.getTensorOperator().getName();
    TensorOperatorProvider operator = operators.get(name);
    if (operator == null) {
      throw new ConfigException(
          SOURCE,
          "tensor_operator.name",
          "unknown operator '"
              + name
              + "'; installed operators: "
              + String.join(", ", operators.keySet()));
    }
    AttentionProvider attention = attentions.get(valid.getAttention());
    if (attention == null) {
      throw new ConfigException(
          SOURCE,
          "attention",
          "unknown attention '"
              + valid.getAttention()
              + "'; installed attention variants: "
              + String.join(", ", attentions.keySet()));
    }
    return new ModelSpec(valid, operator, attention);
  }

  /** Installed operators, sorted by name. */
  public Map<String, TensorOperatorProvider> operators() {
    return operators;
  }

  /** Installed attention variants, sorted by name. */
  public Map<String, AttentionProvider> attentions() {
    return attentions;
  }
}
