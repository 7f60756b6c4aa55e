package io.pldr.tf.ops;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.Initializer;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;

/**
 * A trainable parameter in the graph: its variable, how it starts, and the placeholder and
 * assignment that load a value into it.
 */
public record Parameter(
    ParameterSpec spec,
    Initializer initializer,
    Variable<? extends TFloating> variable,
    Placeholder<? extends TFloating> feed,
    Assign<? extends TFloating> assign) {

  /** The variable as an operand of the model's type. */
  @SuppressWarnings("unchecked")
  public <T extends TFloating> Operand<T> value() {
    return (Operand<T>) variable;
  }
}
