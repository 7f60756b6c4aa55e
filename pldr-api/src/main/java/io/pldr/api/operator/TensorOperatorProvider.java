package io.pldr.api.operator;

import io.pldr.api.config.ModelConfig;

/**
 * A kind of tensor operator ({@code learned}, {@code identity}, or a user's own): a factory of one
 * operator per layer. A Guice module installs it under its name in the map of operators (the
 * binding key is the name a configuration's {@code tensor_operator.name} selects it by).
 */
public interface TensorOperatorProvider {
  /** One line for listings: what this operator computes. */
  String description();

  /**
   * Checks the model-configuration fields and options this operator reads, before any graph is
   * built; fails with a {@link io.pldr.api.config.ConfigException} naming the field. Nothing to
   * check by default.
   */
  default void validate(ModelConfig config) {}

  /**
   * The floating-point operations (2 per multiply-add) of one layer's operator in a forward pass
   * over {@code batch} sequences of {@code length} tokens, counting matrix products only, with the
   * metric tensor qᵀq for an operator that reads it; for benchmarks' estimates. 0 (unknown) by
   * default.
   */
  default double forwardFlops(ModelConfig config, long batch, long length) {
    return 0;
  }

  /** The operator for one layer. */
  TensorOperator create(OperatorContext context);
}
