package io.pldr.train.graph;

import io.pldr.tf.ops.TfTensorOps;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * The DAG penalty of PLDR-LLM v510_dag for a deductive output X {@code [..., d, d]}:
 *
 * <pre>
 *   dag(X) = |log(tr(exp(X ⊙ X)) / d)|
 * </pre>
 *
 * per matrix, exp the matrix exponential. It is zero exactly when X ⊙ X is nilpotent, that is when
 * X is the weighted adjacency matrix of a directed acyclic graph; M = X ⊙ X is never negative, so
 * tr(exp(M)) ≥ d.
 *
 * <p>TensorFlow's MatrixExponential has no gradient, so exp is built from MatMul, Add, Mul, Exp,
 * Log and Maximum (scaling and squaring):
 *
 * <pre>
 *   A = M / 2^S,  F₀ = Σ_{k=1..m} A^k / k!        (Horner; exp(A) = I + F₀ up to O(A^{m+1}))
 *   exp(M) = I + F_S,  F_{j+1} = 2F_j + F_j²       ((I + F)² = I + 2F + F²)
 * </pre>
 *
 * Keeping the identity apart from F means no rounding against a 1 on the diagonal: F₀ and every F_j
 * carry full relative precision however small M is, and a nilpotent M gives a diagonal of exact
 * zeros, so dag is exactly 0. F_j is held as e^φ·G with G normalised whenever its mean row sum
 * exceeds 1 (φ ≥ 0, one per matrix), so large norms do not overflow: the result is log(1 +
 * e^φ·tr(G)/d), a softplus of φ + log(tr(G)/d), or log1p(tr(G)/d) while φ = 0.
 *
 * <p>S = 16 squarings and degree m = 8 (23 matrix products): the truncation's relative error is at
 * most about θ^m/(m+1)! with θ = ‖M‖₁/2^S, below 1e-8 for ‖M‖₁ ≤ 3·10^4 (|X| around 20 at d = 64)
 * and 1e-4 at 10^5. Every term of the series is non-negative, so there is no cancellation:
 * otherwise the result is as accurate as its input allows (in float64 about 1e-13 relative, in
 * float32 about 1e-6, see {@code DagPenaltyTest}).
 */
public final class DagPenalty {
  /** Squarings S: exp(M) = exp(M / 2^S)^(2^S). */
  static final int SQUARINGS = 16;

  /** Degree m of the Taylor polynomial of exp(M / 2^S) − I. */
  static final int TAYLOR_DEGREE = 8;

  private DagPenalty() {}

  /**
   * The mean of dag over every matrix of {@code xs}, each {@code [..., d, d]}: over layers, batch
   * and heads, as the reference averages. A scalar.
   */
  public static Operand<TFloating> mean(TfTensorOps ops, List<Operand<TFloating>> xs) {
    return means(ops, List.of(xs)).get(0);
  }

  /**
   * {@link #mean} of each group (say A_LM, A_P and G_LM of every layer), all matrices of one depth
   * d computed in one pass, so the graph holds one exponential, not one per group.
   */
  public static List<Operand<TFloating>> means(
      TfTensorOps ops, List<List<Operand<TFloating>>> groups) {
    Ops tf = ops.tf();
    List<Operand<TFloating>> flat = new ArrayList<>();
    List<Operand<TInt32>> counts = new ArrayList<>();
    for (List<Operand<TFloating>> group : groups) {
      List<Operand<TFloating>> parts = new ArrayList<>();
      for (Operand<TFloating> x : group) {
        long d = x.shape().get(x.shape().numDimensions() - 1);
        parts.add(tf.reshape(x, tf.constant(new long[] {-1, d, d})));
      }
      Operand<TFloating> g = parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(0));
      flat.add(g);
      counts.add(tf.stridedSlice(tf.shape(g), Indices.sliceTo(1))); // [1]: its matrices
    }
    Operand<TFloating> dag =
        perMatrix(ops, flat.size() == 1 ? flat.get(0) : tf.concat(flat, tf.constant(0)));
    List<Operand<TFloating>> out = new ArrayList<>();
    Operand<TInt32> start = tf.constant(new int[] {0});
    for (Operand<TInt32> count : counts) {
      out.add(tf.math.mean(tf.slice(dag, start, count), tf.constant(0)));
      start = tf.math.add(start, count);
    }
    return out;
  }

  /** dag of each matrix of {@code x [N, d, d]}, shape {@code [N]}. */
  public static Operand<TFloating> perMatrix(TfTensorOps ops, Operand<TFloating> x) {
    return ops.tf().math.abs(logMeanTraceExp(ops, ops.tf().math.mul(x, x)));
  }

  /**
   * log(tr(exp(M)) / d) for each element-wise non-negative {@code m [N, d, d]}, shape {@code [N]}.
   */
  static Operand<TFloating> logMeanTraceExp(TfTensorOps ops, Operand<TFloating> m) {
    Ops tf = ops.tf();
    int d = (int) m.shape().get(2);
    Operand<TFloating> eye = ops.unwrap(ops.eye(d));
    Operand<TInt32> matrixAxes = tf.constant(new int[] {1, 2});
    Operand<TFloating> a = tf.math.mul(m, ops.scalar(Math.scalb(1.0, -SQUARINGS)));
    // Horner: q = I + A/2! + A²/3! + … + A^{m−1}/m!, then F₀ = A·q
    Operand<TFloating> q = tf.math.add(eye, tf.math.mul(a, ops.scalar(1.0 / TAYLOR_DEGREE)));
    for (int k = TAYLOR_DEGREE - 1; k >= 2; k--) {
      q = tf.math.add(eye, tf.math.mul(matmul(ops, a, q), ops.scalar(1.0 / k)));
    }
    Operand<TFloating> g = matmul(ops, a, q);
    Operand<TFloating> phi = ops.scalar(0); // F = e^φ·G, φ ≥ 0, [N, 1, 1] after a squaring
    Operand<TFloating> one = ops.scalar(1);
    Operand<TFloating> two = ops.scalar(2);
    Operand<TFloating> perRow = ops.scalar(1.0 / d);
    for (int j = 0; j < SQUARINGS; j++) {
      // F' = 2F + F² = e^{2φ}·(2e^{−φ}·G + G²), normalised by n = max(1, mean row sum)
      Operand<TFloating> raw =
          tf.math.add(
              tf.math.mul(tf.math.mul(two, tf.math.exp(tf.math.neg(phi))), g), matmul(ops, g, g));
      Operand<TFloating> n =
          tf.math.maximum(
              one,
              tf.math.mul(
                  tf.sum(raw, matrixAxes, org.tensorflow.op.core.Sum.keepDims(true)), perRow));
      g = tf.math.div(raw, n);
      phi = tf.math.add(tf.math.mul(two, phi), tf.math.log(n));
    }
    // tr(exp(M))/d = 1 + e^φ·t with t = tr(G)/d
    Operand<TFloating> t =
        tf.reshape(
            tf.math.mul(tf.sum(tf.math.mul(g, eye), matrixAxes), perRow),
            tf.constant(new long[] {-1}));
    Operand<TFloating> p = tf.reshape(phi, tf.constant(new long[] {-1}));
    Operand<TFloating> zero = ops.scalar(0);
    // log1p(t) while unscaled, or for a zero trace (a DAG); both branches finite for gradients
    Operand<TBool> scaled = tf.math.logicalAnd(tf.math.greater(p, zero), tf.math.greater(t, zero));
    Operand<TFloating> safeT = tf.select(tf.math.greater(t, zero), t, ops.scalar(1));
    Operand<TFloating> large = tf.math.softplus(tf.math.add(p, tf.math.log(safeT)));
    return tf.select(scaled, large, tf.math.log1p(t));
  }

  private static Operand<TFloating> matmul(
      TfTensorOps ops, Operand<TFloating> x, Operand<TFloating> y) {
    // in the model's type even in bfloat16 mixed precision: the squarings amplify rounding
    return ops.unwrap(ops.modelTypeMatmul(ops.wrap(x), ops.wrap(y), false, false));
  }
}
