package io.pldr.api.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * What a backend gives {@link TensorOpsContract}: the algebra of a fresh graph in one precision,
 * evaluation of the tensors built in it (parameters at their initial values), and symbolic
 * gradients.
 */
public interface TensorOpsHarness extends AutoCloseable {
  /** The algebra of a fresh graph; its {@link TensorOps#floatType()} is the harness' precision. */
  TensorOps ops();

  /** The value of {@code t}, every parameter at the value its initializer drew. */
  HostTensor eval(Tensor t);

  /**
   * The values of several tensors; a backend that runs graphs may override it to run them at once.
   */
  default List<HostTensor> evalAll(List<Tensor> tensors) {
    List<HostTensor> values = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) {
      values.add(eval(t));
    }
    return values;
  }

  /**
   * The gradient of the scalar {@code loss} with respect to {@code x}, a tensor of the same graph
   * (a constant, a parameter or an intermediate result), evaluated: a tensor of {@code x}'s shape,
   * zero where the loss does not depend on {@code x}.
   */
  HostTensor gradient(Tensor loss, Tensor x);

  @Override
  void close();
}
