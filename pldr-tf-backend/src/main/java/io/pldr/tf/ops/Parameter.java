package io.pldr.tf.ops;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.Initializer;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;

/**
 * A trainable parameter in the graph: its variable, the value computations read (an identity of the
 * variable, so that gradients never see a reference type), its value as saved, how it starts, and
 * the placeholder and operation that load a value into it. A parameter packed with others for
 * inference ({@link ParameterRegistry#packedLinear}) is a slice of a shared variable: {@code
 * variable} is that variable, {@code stored} the slice in the parameter's own layout.
 */
public record Parameter(
    ParameterSpec spec,
    Initializer initializer,
    Variable<?> variable,
    Operand<? extends TFloating> read,
    Operand<? extends TFloating> stored,
    Placeholder<? extends TFloating> feed,
    Op assign) {

  /**
   * The variable itself (a reference: the target of assignments); of the model's type unless the
   * registry stores reduced weights ({@link ParameterRegistry#weights()}).
   */
  @SuppressWarnings("unchecked")
  public <T extends TFloating> Operand<T> variableRef() {
    return (Operand<T>) variable;
  }

  /** The value computations use; gradients are taken with respect to it. */
  @SuppressWarnings("unchecked")
  public <T extends TFloating> Operand<T> value() {
    return (Operand<T>) read;
  }
}
