package io.pldr.tf.ops;

import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Empty;
import org.tensorflow.types.family.TFloating;

/**
 * Sets a variable to zeros without a constant of its size. {@code tf.zeros} (a {@code Fill} of
 * constants) is folded by Grappler into a constant the size of the variable, which the session then
 * keeps for its whole life and copies at every run; it also opens a name sub-scope, which in
 * TensorFlow Java 1.1.0 reads the name of every operation in the graph (building one per parameter
 * is quadratic). An {@code Empty} with {@code init} is computed at run time and handed to the
 * variable without a copy.
 */
public final class ZeroFill {
  private ZeroFill() {}

  /** An assignment of zeros to {@code p}'s variable. */
  public static Op assign(Ops tf, Parameter p) {
    long[] dims = p.spec().shape().dims();
    int[] shape = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = Math.toIntExact(dims[i]);
    }
    Class<? extends TFloating> type = TfTypes.floating(p.spec().dtype());
    return assign(tf, p, tf.empty(tf.constant(shape), type, Empty.init(true)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Op assign(Ops tf, Parameter p, Empty zeros) {
    return tf.assign((org.tensorflow.Operand) p.variable(), zeros);
  }
}
