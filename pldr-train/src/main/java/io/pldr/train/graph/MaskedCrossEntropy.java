package io.pldr.train.graph;

import io.pldr.tf.ops.TfTensorOps;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * The reference's loss and accuracy: next-token cross-entropy averaged over the targets that are
 * not padding, and the share of those targets that are the arg-max prediction. Built from
 * log-softmax (on a rank-2 view, see {@link TfTensorOps#lastAxis}) and a one-hot product, whose
 * gradients TensorFlow Java has (the sparse cross-entropy op has none), in float32 and float64
 * alike.
 */
public final class MaskedCrossEntropy {
  /** Loss and accuracy over a batch, and the number of targets that counted. */
  public record Outputs(
      Operand<TFloating> loss, Operand<TFloating> accuracy, Operand<TFloating> targetCount) {}

  private MaskedCrossEntropy() {}

  /** {@code logits [B, T, V]}, {@code targets [B, T]} (ids; {@code padId} does not count). */
  public static Outputs build(
      TfTensorOps ops, Operand<TFloating> logits, Operand<TInt64> targets, long padId, int vocab) {
    Ops tf = ops.tf();
    Operand<TFloating> logProbs = ops.lastAxis(logits, tf.nn::logSoftmax);
    Operand<TFloating> oneHot =
        tf.oneHot(targets, tf.constant(vocab), ops.scalar(1.0), ops.scalar(0.0));
    Operand<TInt32> last = tf.constant(-1);
    Operand<TFloating> nll = tf.math.neg(tf.sum(tf.math.mul(logProbs, oneHot), last)); // [B, T]
    Operand<TFloating> mask =
        tf.dtypes.cast(tf.math.notEqual(targets, tf.constant(padId)), ops.type());
    Operand<TInt32> all = tf.constant(new int[] {0, 1});
    Operand<TFloating> count = tf.sum(mask, all);
    Operand<TFloating> safeCount = tf.math.maximum(count, ops.scalar(1.0));
    Operand<TFloating> loss = tf.math.div(tf.sum(tf.math.mul(nll, mask), all), safeCount);
    Operand<TFloating> hit =
        tf.dtypes.cast(
            tf.math.equal(tf.math.argMax(logits, last, TInt64.class), targets), ops.type());
    Operand<TFloating> accuracy = tf.math.div(tf.sum(tf.math.mul(hit, mask), all), safeCount);
    return new Outputs(loss, accuracy, count);
  }
}
