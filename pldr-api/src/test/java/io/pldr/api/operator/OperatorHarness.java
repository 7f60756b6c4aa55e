package io.pldr.api.operator;

import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import java.util.Map;

/**
 * What a backend gives the contracts of pldr-api's test-jar: a fresh graph's algebra, inputs fed at
 * each evaluation, evaluation with every parameter at its current value (first values drawn from
 * its initializer with seed 1), parameter values read and set, and gradients.
 */
public interface OperatorHarness extends AutoCloseable {
  /** The algebra of a fresh graph. */
  TensorOps ops();

  /** A tensor of the model's float type whose value is fed at each evaluation. */
  Tensor input(Shape shape);

  /** The value of {@code t} with {@code feeds} giving the values of inputs. */
  HostTensor eval(Tensor t, Map<Tensor, HostTensor> feeds);

  /** The value of {@code t}, which reads no input. */
  default HostTensor eval(Tensor t) {
    return eval(t, Map.of());
  }

  /** What computations read of each parameter created so far, by global name. */
  Map<String, Tensor> parameters();

  /** Sets a parameter's value for the evaluations that follow. */
  void assign(String name, HostTensor value);

  /** The gradient of the scalar {@code loss} with respect to {@code x}, at {@code feeds}. */
  HostTensor gradient(Tensor loss, Tensor x, Map<Tensor, HostTensor> feeds);

  @Override
  void close();
}
