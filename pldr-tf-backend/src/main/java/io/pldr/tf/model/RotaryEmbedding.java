package io.pldr.tf.model;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.RotaryLayout;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.ops.TfTensorOps;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Rotary position embedding: the pair of entries i at position p is rotated by the angle {@code
 * p·θ_i}, {@code θ_i = base^(−2i/d)}, base 10000 unless the model's {@code rope_theta} says
 * otherwise. The angles are computed in float32, as the reference does. Which entries form pair i
 * is the model's {@code rotary_layout}:
 *
 * <ul>
 *   <li>{@link RotaryLayout#INTERLEAVED}: (x[2i], x[2i+1]), the reference's (torchtune's), v51;
 *   <li>{@link RotaryLayout#HALF}: (x[i], x[i+d/2]), Llama's {@code x·cos + rotate_half(x)·sin},
 *       the Hugging Face port's {@code reference_rope: false}, v52.
 * </ul>
 *
 * <p>A forward pass takes the table rows of its positions once ({@link #at}) and every layer
 * rotates with them: {@code rot(x) = x ⊙ C + swap(x) ⊙ S}, where {@code swap} exchanges the two
 * entries of each pair (one gather along the last axis), C repeats cos for both entries and S holds
 * −sin for the pair's first entry and sin for its second. That is exactly {@code (x_a·cos −
 * x_b·sin, x_b·cos + x_a·sin)} for pair (a, b), in either layout.
 *
 * <p>The table has one part per tensor rotated in one pass: one (q or k alone, {@code [B, T, H,
 * d]}), or three (q, k and v packed, {@code [B, T, 3, H, d]}), where v is turned by the angle 0
 * (cos 1, sin 0), which leaves it exactly as it is.
 */
public final class RotaryEmbedding {
  /** The reference's base. */
  public static final double BASE = ModelConfigs.DEFAULT_ROPE_THETA;

  private final Ops tf;
  private final Operand<TFloating> cos;
  private final Operand<TFloating> sin;
  private final Operand<TInt32> swap;
  // the rows' trailing dimensions: [1, d] for one part, [3, 1, d] for q, k, v packed
  private final int[] trailing;

  /**
   * The table of {@code config}'s rotary layout and base, {@code max_seq_len} positions, for {@code
   * parts} tensors (1, or 3 for q, k, v).
   */
  public static RotaryEmbedding of(TfTensorOps ops, ModelConfig config, int parts) {
    return new RotaryEmbedding(
        ops,
        ModelConfigs.rotaryLayout(config),
        ModelConfigs.ropeTheta(config),
        ModelConfigs.depth(config),
        config.getMaxSeqLen(),
        parts);
  }

  /** The reference's table: interleaved pairs, base 10000. */
  public RotaryEmbedding(TfTensorOps ops, int depth, int maxSeqLen, int parts) {
    this(ops, RotaryLayout.INTERLEAVED, BASE, depth, maxSeqLen, parts);
  }

  /**
   * The table of {@code maxSeqLen} positions for {@code parts} tensors (1, or 3 for q, k, v), pairs
   * as {@code layout} makes them, frequencies of {@code base}.
   */
  public RotaryEmbedding(
      TfTensorOps ops, RotaryLayout layout, double base, int depth, int maxSeqLen, int parts) {
    if (parts != 1 && parts != 3) {
      throw new IllegalArgumentException("rotary tables have 1 or 3 parts, not " + parts);
    }
    if (layout != RotaryLayout.INTERLEAVED && layout != RotaryLayout.HALF) {
      throw new IllegalArgumentException("rotary layout INTERLEAVED or HALF, not " + layout);
    }
    this.tf = ops.tf();
    int half = depth / 2;
    // pair i is (first[i], second[i]) of the head's d entries
    int[] first = new int[half];
    int[] second = new int[half];
    for (int i = 0; i < half; i++) {
      first[i] = layout == RotaryLayout.HALF ? i : 2 * i;
      second[i] = layout == RotaryLayout.HALF ? i + half : 2 * i + 1;
    }
    // ModelConfigs refuses tables beyond a Java array; exact products keep any other caller from
    // a negative size
    int size = Math.multiplyExact(Math.multiplyExact(maxSeqLen, parts), depth);
    double[] c = new double[size];
    double[] s = new double[size];
    for (int p = 0; p < maxSeqLen; p++) {
      for (int i = 0; i < half; i++) {
        float theta = (float) (1.0 / Math.pow(base, (float) (2 * i) / depth));
        float angle = (float) p * theta;
        double cosine = Math.cos(angle);
        double sine = Math.sin(angle);
        for (int part = 0; part < Math.min(parts, 2); part++) { // q (and k); v stays 1 and 0
          int row = (p * parts + part) * depth;
          c[row + first[i]] = cosine;
          c[row + second[i]] = cosine;
          s[row + first[i]] = -sine;
          s[row + second[i]] = sine;
        }
      }
      if (parts == 3) {
        Arrays.fill(c, (p * 3 + 2) * depth, (p * 3 + 3) * depth, 1.0);
      }
    }
    Shape table = Shape.of(maxSeqLen, parts * depth);
    this.cos = ops.unwrap(ops.constant(table, c));
    this.sin = ops.unwrap(ops.constant(table, s));
    int[] pairs = new int[depth];
    for (int i = 0; i < half; i++) {
      pairs[first[i]] = second[i];
      pairs[second[i]] = first[i];
    }
    this.swap = tf.constant(pairs);
    this.trailing = parts == 1 ? new int[] {1, depth} : new int[] {parts, 1, depth};
  }

  /** The table rows of one forward pass's positions: what every layer rotates with. */
  public final class Rows {
    private final Operand<TFloating> cos;
    private final Operand<TFloating> signedSin;

    private Rows(Operand<TFloating> cos, Operand<TFloating> signedSin) {
      this.cos = cos;
      this.signedSin = signedSin;
    }

    /**
     * Rotates {@code x} ({@code [B, T, H, d]} for a one-part table, {@code [B, T, 3, H, d]} for q,
     * k, v packed) whose rows sit at these positions.
     */
    public Operand<TFloating> rotate(Operand<TFloating> x) {
      int lastAxis = x.shape().numDimensions() - 1;
      Operand<TFloating> swapped = tf.gather(x, swap, tf.constant(lastAxis));
      return tf.math.add(tf.math.mul(x, cos), tf.math.mul(swapped, signedSin));
    }
  }

  /**
   * The table rows of {@code positions [B or 1, T]} (each row's own positions), shaped to broadcast
   * over heads (and batch).
   */
  public Rows at(Operand<TInt32> positions) {
    Operand<TInt32> zero = tf.constant(0);
    Operand<TInt32> shape = tf.concat(List.of(tf.shape(positions), tf.constant(trailing)), zero);
    return new Rows(
        tf.reshape(tf.gather(cos, positions, zero), shape),
        tf.reshape(tf.gather(sin, positions, zero), shape));
  }
}
