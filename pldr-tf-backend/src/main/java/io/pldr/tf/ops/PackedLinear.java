package io.pldr.tf.ops;

import io.pldr.api.tensor.Initializer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * Linear maps of one input packed into one product ({@link ParameterRegistry#packedLinear}): {@code
 * weight [in, Σ out]} holds each part's W transposed, side by side; {@code bias [Σ out]}.
 */
public record PackedLinear(Operand<? extends TFloating> weight, Operand<? extends TFloating> bias) {

  /** One packed map: its parameter prefix, output width and initializers. */
  public record Part(String name, int out, Initializer weight, Initializer bias) {
    /** A part initialised as {@code io.pldr.tf.model.Linear} is (Xavier-uniform, zero bias). */
    public static Part linear(String name, int out) {
      return new Part(name, out, Initializer.xavierUniform(), Initializer.zeros());
    }
  }

  /** {@code x [R, in]} to {@code [R, Σ out]}: the parts' outputs side by side. */
  @SuppressWarnings("unchecked")
  public <T extends TFloating> Operand<T> apply(Ops tf, Operand<T> x) {
    return tf.math.add(tf.linalg.matMul(x, (Operand<T>) weight), (Operand<T>) bias);
  }
}
