package io.pldr.api.operator;

/**
 * A named kind of tensor operator, as the configuration selects it ({@code learned}, {@code
 * identity}, or a user's own). Backends and plug-ins contribute providers; the model asks the
 * configured one for an operator per layer.
 */
public interface TensorOperatorProvider {
  /** The name a configuration uses to select this operator. */
  String name();

  /** One line for listings: what this operator computes. */
  String description();

  /** The operator for one layer. */
  TensorOperator create(OperatorContext context);
}
