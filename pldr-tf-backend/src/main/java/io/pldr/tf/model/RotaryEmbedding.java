package io.pldr.tf.model;

import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.TfTensorOps;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Rotary position embedding, base 10000, in the interleaved-pair layout of the reference
 * (torchtune's): pair (x[2i], x[2i+1]) at position p is rotated by the angle {@code
 * p·10000^(−2i/d)}. The angles are computed in float32, as the reference does.
 *
 * <p>A forward pass takes the table rows of its positions once ({@link #at}) and every layer
 * rotates with them: {@code rot(x) = x ⊙ C + swap(x) ⊙ S}, where {@code swap} exchanges the two
 * entries of each pair, C repeats cos for both entries and S holds (−sin, sin). That is exactly
 * {@code (x₀·cos − x₁·sin, x₁·cos + x₀·sin)}, in six graph nodes per tensor.
 */
public final class RotaryEmbedding {
  /** The reference's base. */
  public static final double BASE = 10000.0;

  private final TfTensorOps ops;
  private final int depth;
  private final Operand<TFloating> cos;
  private final Operand<TFloating> sin;
  // the rows' trailing dimensions: [1, d], or [3, 1, d] for q, k, v packed (inference graphs)
  private final int[] trailing;

  /**
   * The table rows of a forward pass's positions, {@code [B or 1, T, 1, d]} each; in an inference
   * graph {@code [B or 1, T, 3, 1, d]}, for q, k and v packed, v turned by the angle 0 (cos 1, sin
   * 0), which leaves it exactly as it is.
   */
  public record Rows(Operand<TFloating> cos, Operand<TFloating> signedSin) {}

  public RotaryEmbedding(TfTensorOps ops, int depth, int maxSeqLen) {
    this.ops = ops;
    this.depth = depth;
    boolean packed = ops.parameters().mode() == GraphMode.INFERENCE;
    int parts = packed ? 3 : 1;
    int half = depth / 2;
    double[] c = new double[maxSeqLen * parts * depth];
    double[] s = new double[maxSeqLen * parts * depth];
    for (int p = 0; p < maxSeqLen; p++) {
      for (int i = 0; i < half; i++) {
        float theta = (float) (1.0 / Math.pow(BASE, (float) (2 * i) / depth));
        float angle = (float) p * theta;
        double cosine = Math.cos(angle);
        double sine = Math.sin(angle);
        for (int part = 0; part < Math.min(parts, 2); part++) { // q (and k); v stays 1 and 0
          int at = (p * parts + part) * depth + 2 * i;
          c[at] = cosine;
          c[at + 1] = cosine;
          s[at] = -sine;
          s[at + 1] = sine;
        }
      }
      if (packed) {
        java.util.Arrays.fill(c, (p * 3 + 2) * depth, (p * 3 + 3) * depth, 1.0);
      }
    }
    io.pldr.api.tensor.Shape table =
        packed
            ? io.pldr.api.tensor.Shape.of(maxSeqLen, 3, depth)
            : io.pldr.api.tensor.Shape.of(maxSeqLen, depth);
    this.cos = ops.unwrap(ops.constant(table, c));
    this.sin = ops.unwrap(ops.constant(table, s));
    this.trailing = packed ? new int[] {3, 1, depth} : new int[] {1, depth};
  }

  /**
   * The table rows of {@code positions [B or 1, T]} (each row's own positions), shaped to broadcast
   * over heads (and batch).
   */
  public Rows at(Operand<TInt32> positions) {
    Ops tf = ops.tf();
    Operand<TInt32> zero = tf.constant(0);
    Operand<TInt32> shape =
        tf.concat(java.util.List.of(tf.shape(positions), tf.constant(trailing)), zero);
    return new Rows(
        tf.reshape(tf.gather(cos, positions, zero), shape),
        tf.reshape(tf.gather(sin, positions, zero), shape));
  }

  /**
   * Rotates {@code x [B, T, H, d]} (its shape is {@code headShape}), whose rows sit at the
   * positions of {@code rows}; {@code pairShape} is {@code [B, T, H, d/2, 2]}.
   */
  public Operand<TFloating> apply(
      Operand<TFloating> x, Rows rows, Operand<TInt32> headShape, Operand<TInt32> pairShape) {
    Ops tf = ops.tf();
    Operand<TFloating> swapped =
        tf.reshape(tf.reverse(tf.reshape(x, pairShape), tf.constant(new int[] {-1})), headShape);
    return tf.math.add(tf.math.mul(x, rows.cos()), tf.math.mul(swapped, rows.signedSin()));
  }

  /**
   * Rotates q, k and v packed, {@code x [B, T, 3, H, d]} (inference graphs): the same {@code x ⊙ C
   * + swap(x) ⊙ S}, the pairs swapped by one gather along the last axis (four graph nodes, none of
   * them shapes).
   */
  public Operand<TFloating> applyPacked(Operand<TFloating> x, Rows rows) {
    Ops tf = ops.tf();
    int[] swap = new int[depth];
    for (int i = 0; i < depth; i++) {
      swap[i] = i ^ 1;
    }
    Operand<TFloating> swapped = tf.gather(x, tf.constant(swap), tf.constant(4));
    return tf.math.add(tf.math.mul(x, rows.cos()), tf.math.mul(swapped, rows.signedSin()));
  }

  /** {@code [B, T, H, d/2, 2]} from {@code [B, T]} and the head count. */
  public Operand<TInt32> pairShape(Operand<TInt32> batchAndLength, int heads) {
    Ops tf = ops.tf();
    return tf.concat(
        java.util.List.of(batchAndLength, tf.constant(new int[] {heads, depth / 2, 2})),
        tf.constant(0));
  }
}
