package io.pldr.tf.ops;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import org.tensorflow.Operand;

/** A pldr {@link Tensor} over a TensorFlow graph operand. */
public record TfTensor(Operand<?> operand) implements Tensor {
  @Override
  public Shape shape() {
    return TfTypes.shape(operand.shape());
  }

  @Override
  public DType dtype() {
    return TfTypes.dtype(operand.type());
  }
}
