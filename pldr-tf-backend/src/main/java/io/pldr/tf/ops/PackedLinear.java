package io.pldr.tf.ops;

import io.pldr.api.tensor.Initializer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * Linear maps of one input packed into one product ({@link ParameterRegistry#packedLinear}): the
 * parts' weights transposed side by side, {@code [in, Σ out]}, stored in the registry's {@link
 * io.pldr.api.model.WeightFormat}, and their biases {@code [Σ out]} in the model's type.
 */
public interface PackedLinear {

  /** One packed map: its parameter prefix, output width and initializers. */
  record Part(String name, int out, Initializer weight, Initializer bias) {
    /** A part initialised as {@code io.pldr.tf.model.Linear} is (Xavier-uniform, zero bias). */
    public static Part linear(String name, int out) {
      return new Part(name, out, Initializer.xavierUniform(), Initializer.zeros());
    }
  }

  /** {@code x [R, in]} to {@code [R, Σ out]}: the parts' outputs side by side. */
  <T extends TFloating> Operand<T> apply(Ops tf, Operand<T> x);
}
