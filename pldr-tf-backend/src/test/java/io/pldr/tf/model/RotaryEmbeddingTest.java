package io.pldr.tf.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.RotaryLayout;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.testing.TestGraph;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * The rotation against plain-Java loops of the two formulas: the reference's interleaved pairs
 * (torchtune) and the Hugging Face port's {@code x·cos + rotate_half(x)·sin} (Llama), at the
 * positions of a prompt, of left-padded rows and of one decoding step at an offset.
 */
class RotaryEmbeddingTest {
  private static final int HEADS = 3;
  private static final int DEPTH = 8;
  private static final int MAX_SEQ_LEN = 32;

  // positions [B, T] of the rows rotated: a prompt, two rows whose positions differ (left
  // padding), one decoding step after 13 cached positions
  private static final int[][][] POSITIONS = {
    {{0, 1, 2, 3, 4}}, {{0, 1, 2}, {5, 6, 7}}, {{13}},
  };

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (RotaryLayout layout : new RotaryLayout[] {RotaryLayout.INTERLEAVED, RotaryLayout.HALF}) {
      for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
        for (double base : new double[] {10000, 500000}) {
          b.add(Arguments.of(layout, dtype, base));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} base {2}")
  @MethodSource("cases")
  void rotatesAsTheLayoutsFormulaSays(RotaryLayout layout, DType dtype, double base) {
    double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
    SplittableRandom random = new SplittableRandom(11);
    for (int[][] positions : POSITIONS) {
      int batch = positions.length;
      int length = positions[0].length;
      double[] x = new double[batch * length * HEADS * DEPTH];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextDouble(-1, 1);
      }
      double[] expected = expected(layout, base, positions, x);
      for (GraphMode mode : GraphMode.values()) {
        try (TestGraph g = new TestGraph(dtype, mode)) {
          RotaryEmbedding rotary =
              new RotaryEmbedding(g.ops(), layout, base, DEPTH, MAX_SEQ_LEN, 1);
          Operand<TFloating> in =
              g.ops().unwrap(g.ops().constant(Shape.of(batch, length, HEADS, DEPTH), x));
          HostTensor out = g.eval(rotary.at(g.ops().tf().constant(positions)).rotate(in));
          assertThat(out.shape().dims()).containsExactly(batch, length, HEADS, DEPTH);
          assertThat(out.maxAbsDiff(HostTensor.of(dtype, out.shape(), expected)))
              .as("%s positions %s", mode, Arrays.deepToString(positions))
              .isLessThanOrEqualTo(tolerance);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} base {2}")
  @MethodSource("cases")
  void packedQkvRotatesQAndKAndLeavesVExactlyAsItIs(RotaryLayout layout, DType dtype, double base) {
    double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
    SplittableRandom random = new SplittableRandom(12);
    int[][] positions = {{9, 10}};
    int length = 2;
    int part = HEADS * DEPTH;
    double[] x = new double[length * 3 * part];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble(-1, 1);
    }
    // [1, T, 3, H, d]: each row's q, k, v one after the other; q and k rotate as one-part rows
    double[] expected = x.clone();
    for (int t = 0; t < length; t++) {
      for (int p = 0; p < 2; p++) {
        double[] one = new double[part];
        System.arraycopy(x, (t * 3 + p) * part, one, 0, part);
        double[] rotated = expected(layout, base, new int[][] {{positions[0][t]}}, one);
        System.arraycopy(rotated, 0, expected, (t * 3 + p) * part, part);
      }
    }
    try (TestGraph g = new TestGraph(dtype, GraphMode.INFERENCE)) {
      RotaryEmbedding rotary = new RotaryEmbedding(g.ops(), layout, base, DEPTH, MAX_SEQ_LEN, 3);
      Operand<TFloating> in =
          g.ops().unwrap(g.ops().constant(Shape.of(1, length, 3, HEADS, DEPTH), x));
      HostTensor out = g.eval(rotary.at(g.ops().tf().constant(positions)).rotate(in));
      assertThat(out.maxAbsDiff(HostTensor.of(dtype, out.shape(), expected)))
          .isLessThanOrEqualTo(tolerance);
      for (int t = 0; t < length; t++) {
        for (int i = 2 * part; i < 3 * part; i++) { // v, as the graph's constant holds it
          double v = x[t * 3 * part + i];
          assertThat(out.get(t * 3 * part + i))
              .isEqualTo(dtype == DType.FLOAT32 ? (double) (float) v : v);
        }
      }
    }
  }

  /**
   * {@code x [B, T, H, d]} rotated at {@code positions [B, T]}, computed from the formulas. The
   * frequencies are θ_i = base^(−2i/d) and the angles pos·θ_i in float32, as the reference
   * (torchtune) and the Hugging Face port compute them; cos and sin of those angles in float64.
   */
  private static double[] expected(
      RotaryLayout layout, double base, int[][] positions, double[] x) {
    int half = DEPTH / 2;
    double[] y = new double[x.length];
    int row = 0;
    for (int[] rowPositions : positions) {
      for (int pos : rowPositions) {
        float[] angle = new float[half];
        for (int i = 0; i < half; i++) {
          float theta = (float) (1.0 / Math.pow(base, (float) (2 * i) / DEPTH));
          angle[i] = pos * theta;
        }
        for (int h = 0; h < HEADS; h++) {
          int at = (row * HEADS + h) * DEPTH;
          double[] v = new double[DEPTH];
          System.arraycopy(x, at, v, 0, DEPTH);
          double[] out = layout == RotaryLayout.HALF ? rotateHalf(v, angle) : interleaved(v, angle);
          System.arraycopy(out, 0, y, at, DEPTH);
        }
        row++;
      }
    }
    return y;
  }

  /** torchtune: (x[2i], x[2i+1]) → (x[2i]·cos − x[2i+1]·sin, x[2i+1]·cos + x[2i]·sin). */
  private static double[] interleaved(double[] x, float[] angle) {
    double[] y = new double[x.length];
    for (int i = 0; i < angle.length; i++) {
      double c = Math.cos(angle[i]);
      double s = Math.sin(angle[i]);
      y[2 * i] = x[2 * i] * c - x[2 * i + 1] * s;
      y[2 * i + 1] = x[2 * i + 1] * c + x[2 * i] * s;
    }
    return y;
  }

  /**
   * Llama / Hugging Face: emb = cat(freqs, freqs), rotate_half(x) = cat(−x[d/2:], x[:d/2]), out =
   * x·cos(emb) + rotate_half(x)·sin(emb).
   */
  private static double[] rotateHalf(double[] x, float[] angle) {
    int half = angle.length;
    double[] emb = new double[2 * half];
    double[] rotated = new double[2 * half];
    for (int i = 0; i < half; i++) {
      emb[i] = angle[i];
      emb[i + half] = angle[i];
      rotated[i] = -x[i + half];
      rotated[i + half] = x[i];
    }
    double[] y = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      y[j] = x[j] * Math.cos(emb[j]) + rotated[j] * Math.sin(emb[j]);
    }
    return y;
  }
}
