package io.pldr.tf.ops;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.Initializer;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;

/**
 * A trainable parameter in the graph: its variable, the value computations read (an identity
 * of the variable, so that gradients never see a reference type), how it starts, and the
 * placeholder and assignment that load a value into it.
 */
public record Parameter(
    ParameterSpec spec,
    Initializer initializer,
    Variable<? extends TFloating> variable,
    Operand<? extends TFloating> read,
    Placeholder<? extends TFloating> feed,
    Assign<? extends TFloating> assign) {

  /** The variable itself (a reference: the target of assignments). */
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
