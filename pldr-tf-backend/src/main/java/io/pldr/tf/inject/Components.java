package io.pldr.tf.inject;

import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.TensorOperatorProvider;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every tensor operator and attention variant installed in the injector, by name: the built-in ones
 * and those of plug-in modules. Looks up the ones a configuration names; an unknown name fails
 * listing the installed ones.
 */
public final class Components {
  private final Map<String, TensorOperatorProvider> operators;
  private final Map<String, AttentionProvider> attentions;

  @Inject
  public Components(
      Map<String, TensorOperatorProvider> operators, Map<String, AttentionProvider> attentions) {
    this.operators = new TreeMap<>(operators);
    this.attentions = new TreeMap<>(attentions);
  }

  /** The operator the configuration's {@code tensor_operator.name} selects. */
  public TensorOperatorProvider operator(ModelConfig config) {
    String name = config.getTensorOperator().getName();
    TensorOperatorProvider p = operators.get(name);
    if (p == null) {
      throw new ConfigException(
          "model config",
          "tensor_operator.name",
          "unknown operator '"
              + name
              + "'; installed operators: "
              + String.join(", ", operators.keySet()));
    }
    return p;
  }

  /** The attention variant the configuration's {@code attention} selects. */
  public AttentionProvider attention(ModelConfig config) {
    String name = config.getAttention();
    AttentionProvider p = attentions.get(name);
    if (p == null) {
      throw new ConfigException(
          "model config",
          "attention",
          "unknown attention '"
              + name
              + "'; installed attention variants: "
              + String.join(", ", attentions.keySet()));
    }
    return p;
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
