package io.pldr.api.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.TensorOps;

/**
 * What an operator is built for: the layer, the model configuration, the algebra to compute with,
 * and the parameter-name scope of the layer's attention block (the reference's names, for example
 * {@code decoder.dec_layers.0.mha1}).
 */
public record OperatorContext(int layer, ModelConfig config, TensorOps ops, String scope) {
  /** Number of attention heads H. */
  public int heads() {
    return config.getNumHeads();
  }

  /** Head depth d = d_model / H. */
  public int depth() {
    return config.getDModel() / config.getNumHeads();
  }

  /** The global name of a parameter local to this layer's attention block. */
  public String parameterName(String local) {
    return scope + "." + local;
  }
}
