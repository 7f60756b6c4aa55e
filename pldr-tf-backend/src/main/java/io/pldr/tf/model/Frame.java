package io.pldr.tf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * What every layer of one forward pass shares, computed once: the batch and the number of new
 * positions T {@code [2]}, the shapes {@code [B, T, D]} and the heads' shape of the graph's layout,
 * the rotary table rows of the new positions, and the attention mask, 1 where attention is
 * forbidden, broadcastable to {@code [B, H, T, S + T]}.
 */
public record Frame(
    Ops tf,
    Operand<TInt32> batchAndLength,
    Operand<TInt32> modelShape,
    Operand<TInt32> headShape,
    RotaryEmbedding.Rows rotary,
    Operand<TFloating> mask) {

  /** {@code [B, T, dims...]}. */
  public Operand<TInt32> shape(int... dims) {
    return shape(tf, batchAndLength, dims);
  }

  /** {@code [B, T, dims...]} for {@code batchAndLength} {@code [B, T]}. */
  public static Operand<TInt32> shape(Ops tf, Operand<TInt32> batchAndLength, int... dims) {
    return tf.concat(List.of(batchAndLength, tf.constant(dims)), tf.constant(0));
  }
}
