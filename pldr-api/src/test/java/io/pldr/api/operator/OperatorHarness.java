package io.pldr.api.operator;

import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;

/**
 * What a backend gives {@link TensorOperatorContract}: a fresh graph's algebra, evaluation of its
 * tensors (parameters at their initial values), and a gradient check.
 */
public interface OperatorHarness extends AutoCloseable {
  /** The algebra of a fresh graph. */
  TensorOps ops();

  /** The value of {@code t}, every parameter at its initial value. */
  HostTensor eval(Tensor t);

  /**
   * Whether the gradient of the scalar {@code loss} with respect to every parameter created so far
   * exists and is finite (true when there are no parameters).
   */
  boolean finiteGradients(Tensor loss);

  @Override
  void close();
}
