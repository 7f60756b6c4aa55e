package io.pldr.tf.model;

import io.pldr.tf.ops.TfTensorOps;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Attention masks, 1 where attention is forbidden, as the reference builds them: the look-ahead
 * mask (a key after its query) and the padding mask (a key whose token is the padding id).
 */
public final class Masks {
  private final TfTensorOps ops;

  public Masks(TfTensorOps ops) {
    this.ops = ops;
  }

  /** {@code [T, T]}: 1 above the diagonal. */
  public Operand<TFloating> lookAhead(Operand<TInt32> length) {
    Ops tf = ops.tf();
    Operand<TInt32> square = tf.stack(java.util.List.of(length, length));
    Operand<TFloating> ones = tf.ones(square, ops.type());
    Operand<TFloating> lower = tf.linalg.bandPart(ones, tf.constant(-1), tf.constant(0));
    return tf.math.sub(ones, lower);
  }

  /**
   * {@code [N − S, N]}: rows S … N − 1 of the look-ahead mask of N positions ({@code cachedLength}
   * = S), built directly: 1 where the key's position is after the query's. A decoding step needs
   * one row, not the N × N mask.
   */
  public Operand<TFloating> lookAheadRows(Operand<TInt32> cachedLength, Operand<TInt32> length) {
    Ops tf = ops.tf();
    Operand<TInt32> one = tf.constant(1);
    Operand<TInt32> keys = tf.expandDims(tf.range(tf.constant(0), length, one), tf.constant(0));
    Operand<TInt32> queries = tf.expandDims(tf.range(cachedLength, length, one), one);
    return tf.dtypes.cast(tf.math.greater(keys, queries), ops.type());
  }

  /** {@code [B, 1, 1, T]}: 1 at keys whose token is {@code padId}. */
  public Operand<TFloating> padding(Operand<TInt64> tokens, long padId) {
    Ops tf = ops.tf();
    Operand<TFloating> pad = tf.dtypes.cast(tf.math.equal(tokens, tf.constant(padId)), ops.type());
    return tf.expandDims(tf.expandDims(pad, tf.constant(1)), tf.constant(1));
  }

  /** {@code [B, 1, T, T]}: the element-wise maximum of both masks. */
  public Operand<TFloating> combined(Operand<TInt64> tokens, long padId) {
    Ops tf = ops.tf();
    Operand<TInt32> length =
        tf.stridedSlice(tf.shape(tokens), org.tensorflow.ndarray.index.Indices.at(1));
    return tf.math.maximum(padding(tokens, padId), lookAhead(length));
  }
}
