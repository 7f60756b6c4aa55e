package io.pldr.tf.ops;

import java.util.List;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * What a graph is for, and the operations that differ because of it. A training graph is
 * differentiated: parameters are read through an identity (gradients never see a reference type)
 * and operations over the last axis go through a rank-2 view (the C++ gradient of TensorFlow 2.18's
 * LogSoftmax sums over axis 1, right only for rank 2; softmax takes the same view, which costs
 * nothing and keeps the reference's gradients as they were checked). An inference graph takes no
 * gradient and leaves both out, and takes softmax as exp(x − max) / Σ exp(x − max) (oneDNN's
 * softmax kernel, which TensorFlow substitutes for Softmax, costs 0.1–0.4 ms per call on decoding's
 * small rows). The layout of the model's weights follows the mode too ({@code
 * io.pldr.tf.model.Layout}).
 */
public enum GraphMode {
  /** Gradients are taken. */
  TRAINING {
    @Override
    public <T extends TFloating> Operand<T> read(Ops tf, String name, Variable<T> variable) {
      return tf.withName(name + "_read").identity(variable);
    }

    @Override
    public <T extends TFloating> Operand<T> lastAxis(
        Ops tf, Operand<T> x, Function<Operand<T>, Operand<T>> op) {
      if (x.shape().numDimensions() == 2) {
        return op.apply(x);
      }
      Operand<TInt32> shape = tf.shape(x);
      Operand<TInt32> last = tf.stridedSlice(shape, Indices.sliceFrom(-1));
      Operand<TInt32> flat = tf.concat(List.of(tf.constant(new int[] {-1}), last), tf.constant(0));
      return tf.reshape(op.apply(tf.reshape(x, flat)), shape);
    }

    @Override
    public <T extends TFloating> Operand<T> softmax(Ops tf, Operand<T> x) {
      return lastAxis(tf, x, tf.nn::softmax);
    }
  },

  /** Forward passes only. */
  INFERENCE {
    @Override
    public <T extends TFloating> Operand<T> read(Ops tf, String name, Variable<T> variable) {
      return variable;
    }

    @Override
    public <T extends TFloating> Operand<T> lastAxis(
        Ops tf, Operand<T> x, Function<Operand<T>, Operand<T>> op) {
      return op.apply(x);
    }

    @Override
    public <T extends TFloating> Operand<T> softmax(Ops tf, Operand<T> x) {
      Operand<TInt32> last = tf.constant(-1);
      Operand<T> e = tf.math.exp(tf.math.sub(x, tf.max(x, last, Max.keepDims(true))));
      return tf.math.div(e, tf.sum(e, last, Sum.keepDims(true)));
    }
  };

  /** The value computations read of a parameter's variable. */
  public abstract <T extends TFloating> Operand<T> read(Ops tf, String name, Variable<T> variable);

  /** {@code op} (an operation over the last axis, such as log-softmax) applied to {@code x}. */
  public abstract <T extends TFloating> Operand<T> lastAxis(
      Ops tf, Operand<T> x, Function<Operand<T>, Operand<T>> op);

  /** Softmax over the last axis. */
  public abstract <T extends TFloating> Operand<T> softmax(Ops tf, Operand<T> x);
}
