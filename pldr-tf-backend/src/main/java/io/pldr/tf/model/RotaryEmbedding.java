package io.pldr.tf.model;

import io.pldr.tf.ops.TfTensorOps;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Rotary position embedding, base 10000, in the interleaved-pair layout of the reference
 * (torchtune's): pair (x[2i], x[2i+1]) at position p is rotated by the angle
 * {@code p·10000^(−2i/d)}. The angles are computed in float32, as the reference does.
 */
public final class RotaryEmbedding {
  /** The reference's base. */
  public static final double BASE = 10000.0;

  private final TfTensorOps ops;
  private final int depth;
  private final Operand<TFloating> cos;
  private final Operand<TFloating> sin;

  public RotaryEmbedding(TfTensorOps ops, int depth, int maxSeqLen) {
    this.ops = ops;
    this.depth = depth;
    int half = depth / 2;
    double[] c = new double[maxSeqLen * half];
    double[] s = new double[maxSeqLen * half];
    for (int p = 0; p < maxSeqLen; p++) {
      for (int i = 0; i < half; i++) {
        float theta = (float) (1.0 / Math.pow(BASE, (float) (2 * i) / depth));
        float angle = (float) p * theta;
        c[p * half + i] = Math.cos(angle);
        s[p * half + i] = Math.sin(angle);
      }
    }
    io.pldr.api.tensor.Shape table = io.pldr.api.tensor.Shape.of(maxSeqLen, half);
    this.cos = ops.unwrap(ops.constant(table, c));
    this.sin = ops.unwrap(ops.constant(table, s));
  }

  /**
   * Rotates {@code x [B, T, H, d]} whose rows sit at {@code positions [T]}.
   */
  public Operand<TFloating> apply(Operand<TFloating> x, Operand<TInt32> positions) {
    Ops tf = ops.tf();
    Operand<TInt32> zero = tf.constant(0);
    // [T, d/2] -> [1, T, 1, d/2, 1], broadcast over batch and heads
    Operand<TInt32> tableShape = tf.constant(new int[] {1, -1, 1, depth / 2, 1});
    Operand<TFloating> c = tf.reshape(tf.gather(cos, positions, zero), tableShape);
    Operand<TFloating> s = tf.reshape(tf.gather(sin, positions, zero), tableShape);
    Operand<TInt32> shape = tf.shape(x);
    Operand<TInt32> pairShape = tf.concat(
        List.of(tf.stridedSlice(shape, Indices.sliceTo(-1)), tf.constant(new int[] {depth / 2, 2})),
        zero);
    Operand<TFloating> pairs = tf.reshape(x, pairShape); // [B, T, H, d/2, 2]
    var halves = tf.split(tf.constant(-1), pairs, 2L);
    Operand<TFloating> x0 = halves.output().get(0);
    Operand<TFloating> x1 = halves.output().get(1);
    Operand<TFloating> r0 = tf.math.sub(tf.math.mul(x0, c), tf.math.mul(x1, s));
    Operand<TFloating> r1 = tf.math.add(tf.math.mul(x1, c), tf.math.mul(x0, s));
    return tf.reshape(tf.concat(List.of(r0, r1), tf.constant(-1)), shape);
  }
}
