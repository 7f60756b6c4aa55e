package io.pldr.train.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.testing.TestGraph;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TFloating;

/**
 * dag(X) = |log(tr(exp(X ⊙ X))/d)| from graph ops against an independent computation: the
 * exponential's Taylor series summed term by term in Java (no scaling, no squaring; every term is
 * non-negative, so the plain sum is accurate), and closed forms.
 */
class DagPenaltyTest {
  /** Relative error allowed in float64. */
  private static final double REL = 1e-10;

  /** dag of each {@code d × d} matrix (row-major) computed by the graph. */
  private static double[] graphDag(DType dtype, int d, double[]... xs) {
    double[] all = new double[xs.length * d * d];
    for (int i = 0; i < xs.length; i++) {
      System.arraycopy(xs[i], 0, all, i * d * d, d * d);
    }
    try (TestGraph g = new TestGraph(dtype)) {
      Operand<TFloating> x = g.ops().unwrap(g.ops().constant(Shape.of(xs.length, d, d), all));
      return g.eval(DagPenalty.perMatrix(g.ops(), x)).toDoubleArray();
    }
  }

  /** dag by the plain Taylor series: tr(exp(M)) − d = tr(Σ_{k≥1} M^k/k!), then log1p. */
  static double seriesDag(int d, double[] x) {
    double[] m = new double[d * d];
    for (int i = 0; i < m.length; i++) {
      m[i] = x[i] * x[i];
    }
    double[] term = m.clone();
    double trace = 0;
    for (int k = 1; k < 2000; k++) {
      double tr = 0;
      double max = 0;
      for (int i = 0; i < d; i++) {
        tr += term[i * d + i];
      }
      for (double v : term) {
        max = Math.max(max, v);
      }
      trace += tr;
      if (k > 2 && max <= 1e-18 * Math.max(trace, Double.MIN_NORMAL)) {
        break;
      }
      double[] next = new double[d * d];
      for (int i = 0; i < d; i++) {
        for (int l = 0; l < d; l++) {
          double t = term[i * d + l];
          if (t != 0) {
            for (int j = 0; j < d; j++) {
              next[i * d + j] += t * m[l * d + j];
            }
          }
        }
      }
      for (int i = 0; i < next.length; i++) {
        next[i] /= k + 1;
      }
      term = next;
    }
    return Math.abs(Math.log1p(trace / d));
  }

  private static double[] gaussian(Random r, int n, double std) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = std * r.nextGaussian();
    }
    return v;
  }

  private static double relativeError(double actual, double expected) {
    return Math.abs(actual - expected) / Math.max(Math.abs(expected), Double.MIN_NORMAL);
  }

  @Test
  void smallRandomMatricesEqualTheirTaylorSeries() {
    Random r = new Random(11);
    double worst = 0;
    for (int d : new int[] {2, 3, 5, 8}) {
      for (double std : new double[] {1e-3, 0.05, 0.5, 1, 2}) {
        double[] x = gaussian(r, d * d, std);
        double expected = seriesDag(d, x);
        double actual = graphDag(DType.FLOAT64, d, x)[0];
        worst = Math.max(worst, relativeError(actual, expected));
        assertThat(relativeError(actual, expected))
            .as("d=%d std=%s", d, std)
            .isLessThanOrEqualTo(REL);
      }
    }
    System.out.printf("dag vs Taylor series, d ≤ 8, float64: largest relative error %.2e%n", worst);
  }

  @Test
  void headSizedMatricesEqualTheirTaylorSeries() {
    // d = 64, the paper's head depth: with N(0, 1) entries tr(exp(X ⊙ X)) is about e^70.
    Random r = new Random(5);
    double worst64 = 0;
    double worst32 = 0;
    for (double std : new double[] {0.05, 0.3, 1}) {
      double[] x = gaussian(r, 64 * 64, std);
      double expected = seriesDag(64, x);
      worst64 = Math.max(worst64, relativeError(graphDag(DType.FLOAT64, 64, x)[0], expected));
      worst32 = Math.max(worst32, relativeError(graphDag(DType.FLOAT32, 64, x)[0], expected));
    }
    System.out.printf(
        "dag vs Taylor series, d = 64: largest relative error %.2e (float64),"
            + " %.2e (float32)%n",
        worst64, worst32);
    assertThat(worst64).isLessThanOrEqualTo(REL);
    assertThat(worst32).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void theAdjacencyMatrixOfADirectedAcyclicGraphHasDagExactlyZero() {
    Random r = new Random(3);
    int d = 7;
    int[] order = {3, 0, 6, 2, 5, 1, 4};
    for (double std : new double[] {0.5, 40}) {
      double[] upper = new double[d * d];
      double[] permuted = new double[d * d];
      for (int i = 0; i < d; i++) {
        for (int j = i + 1; j < d; j++) {
          upper[i * d + j] = std * r.nextGaussian();
          permuted[order[i] * d + order[j]] = upper[i * d + j];
        }
      }
      // strictly upper triangular, and the same graph with its nodes in another order
      assertThat(graphDag(DType.FLOAT64, d, upper, permuted)).containsExactly(0.0, 0.0);
      assertThat(graphDag(DType.FLOAT32, d, upper, permuted)).containsExactly(0.0, 0.0);
    }
  }

  @Test
  void diagonalAndTwoCycleMatricesEqualTheirClosedForms() {
    int d = 5;
    double[] diag = {0.01, 0.3, 2, 7, 30}; // up to tr(exp) ≈ e^900: only a log scale holds it
    double[] x = new double[d * d];
    double max = 0;
    for (int i = 0; i < d; i++) {
      x[i * d + i] = diag[i];
      max = Math.max(max, diag[i] * diag[i]);
    }
    double sum = 0;
    for (double v : diag) {
      sum += Math.exp(v * v - max);
    }
    double logSumExp = max + Math.log(sum);
    double expected = logSumExp - Math.log(d);
    double actual = graphDag(DType.FLOAT64, d, x)[0];
    assertThat(relativeError(actual, expected)).isLessThanOrEqualTo(REL);

    // X = [[0, a], [b, 0]]: X ⊙ X has eigenvalues ±ab, tr(exp) = 2·cosh(ab)
    double worst = relativeError(actual, expected);
    for (double[] ab : new double[][] {{0.1, 0.2}, {1.5, 2}, {15, 20}}) {
      double c = ab[0] * ab[1];
      double closed = c + Math.log1p(Math.exp(-2 * c)) - Math.log(2); // log(cosh(c))
      double got = graphDag(DType.FLOAT64, 2, new double[] {0, ab[0], ab[1], 0})[0];
      worst = Math.max(worst, relativeError(got, closed));
      assertThat(relativeError(got, closed)).as("ab=%s", c).isLessThanOrEqualTo(REL);
    }
    System.out.printf(
        "dag vs closed forms (diagonal, 2-cycle), float64: largest relative error" + " %.2e%n",
        worst);
  }

  @Test
  void theMeanRunsOverLayersBatchAndHeads() {
    Random r = new Random(8);
    int d = 4;
    double[][] layer0 = {
      gaussian(r, 16, 1), gaussian(r, 16, 1), gaussian(r, 16, 1), gaussian(r, 16, 1)
    }; // [B=2, H=2, d, d]
    double[][] layer1 = {
      gaussian(r, 16, 1), gaussian(r, 16, 1), gaussian(r, 16, 1), gaussian(r, 16, 1)
    };
    double expected = 0;
    for (double[][] layer : new double[][][] {layer0, layer1}) {
      for (double[] m : layer) {
        expected += seriesDag(d, m) / 8;
      }
    }
    try (TestGraph g = new TestGraph(DType.FLOAT64)) {
      Operand<TFloating> a = g.ops().unwrap(g.ops().constant(Shape.of(2, 2, d, d), concat(layer0)));
      Operand<TFloating> b = g.ops().unwrap(g.ops().constant(Shape.of(2, 2, d, d), concat(layer1)));
      double mean = g.eval(DagPenalty.mean(g.ops(), List.of(a, b))).get(0);
      assertThat(relativeError(mean, expected)).isLessThanOrEqualTo(REL);
    }
  }

  private static double[] concat(double[][] parts) {
    double[] out = new double[parts.length * parts[0].length];
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, out, i * parts[i].length, parts[i].length);
    }
    return out;
  }

  @Test
  void gradientEqualsFiniteDifferences() {
    Random r = new Random(21);
    int d = 3;
    // entries of 0.6 keep the squarings unnormalised; entries of 4 make them normalise
    for (double std : new double[] {0.6, 4}) {
      double[] x = gaussian(r, d * d, std);
      try (TestGraph g = new TestGraph(DType.FLOAT64)) {
        Placeholder<TFloating> in =
            g.ops()
                .tf()
                .placeholder(
                    g.ops().type(), Placeholder.shape(org.tensorflow.ndarray.Shape.of(1, d, d)));
        Operand<TFloating> dag =
            g.ops().tf().sum(DagPenalty.perMatrix(g.ops(), in), g.ops().tf().constant(0));
        Output<?> grad = g.graph().addGradients(dag.asOutput(), new Output<?>[] {in.asOutput()})[0];
        double[] analytic = run(g, grad, in, x, d);
        double h = 1e-6;
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
          double[] plus = x.clone();
          double[] minus = x.clone();
          plus[i] += h;
          minus[i] -= h;
          double numeric = (run(g, dag, in, plus, d)[0] - run(g, dag, in, minus, d)[0]) / (2 * h);
          worst = Math.max(worst, Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric)));
        }
        System.out.printf(
            "∂dag/∂X vs central differences, entries of std %s: largest" + " difference %.2e%n",
            std, worst);
        assertThat(worst).isLessThanOrEqualTo(1e-6);
      }
    }
  }

  private static double[] run(
      TestGraph g, Operand<?> out, Placeholder<TFloating> in, double[] x, int d) {
    try (Tensor t =
            HostTensors.toTensor(
                HostTensor.wrap(DType.FLOAT64, Shape.of(1, d, d), x), DType.FLOAT64);
        Result res = g.session().runner().feed(in, t).fetch(out).run()) {
      return HostTensors.fromTensor(res.get(0)).toDoubleArray();
    }
  }
}
