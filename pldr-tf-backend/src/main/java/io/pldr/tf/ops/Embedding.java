package io.pldr.tf.ops;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TIntegral;

/**
 * A token embedding ({@link ParameterRegistry#embedding}): the rows of a {@code [V, D]} matrix,
 * stored in the registry's {@link io.pldr.api.model.WeightFormat}, read in the model's type.
 */
public interface Embedding {
  /** The rows of {@code ids} (any shape S), as {@code [S…, D]}. */
  <T extends TFloating> Operand<T> lookup(Ops tf, Operand<? extends TIntegral> ids);
}
