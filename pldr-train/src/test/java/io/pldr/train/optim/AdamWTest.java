package io.pldr.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.testing.Specs;
import io.pldr.train.graph.LossAndGradients;
import io.pldr.train.graph.TrainingGraph;
import io.pldr.train.loop.TrainingSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The graph's AdamW against the update written out by hand from the gradients. */
class AdamWTest {
  private static final double LR = 0.01;
  private static final double B1 = 0.9;
  private static final double B2 = 0.95;
  private static final double EPS = 1e-5;
  private static final double WD = 0.1;
  private static final ModelConfig CONFIG =
      ModelConfig.newBuilder()
          .setNumLayers(1)
          .setDModel(8)
          .setNumHeads(2)
          .setDff(12)
          .setVocabSize(20)
          .setADff(4)
          .setNumReslayerA(1)
          .setNumDenseA(1)
          .setMaxSeqLen(8)
          .setPrecision(Precision.FLOAT64)
          .build();
  private static final long[][] BATCH = {
    {3, 5, 7, 9, 11}, {4, 6, 8, 10, 12}, {13, 2, 5, 7, 1}, {9, 9, 4, 3, 2}
  };

  private static TrainingGraph graph(int accumulation) {
    return graph(accumulation, new TrainingGraph.Clip.None());
  }

  private static TrainingGraph graph(int accumulation, TrainingGraph.Clip clip) {
    return new TrainingGraph(
        Specs.of(CONFIG), clip, new AdamW.Settings(B1, B2, EPS, WD), accumulation);
  }

  private static double globalNorm(Map<String, HostTensor> g) {
    double sum = 0;
    for (HostTensor t : g.values()) {
      for (double x : t.toDoubleArray()) {
        sum += x * x;
      }
    }
    return Math.sqrt(sum);
  }

  private static Map<String, HostTensor> gradients(Map<String, HostTensor> params) {
    return LossAndGradients.compute(Specs.of(CONFIG), params, BATCH).gradients();
  }

  @Test
  void twoStepsEqualTheHandWrittenUpdate() {
    twoSteps(new TrainingGraph.Clip.None(), g -> g);
  }

  @Test
  void globalNormClippingScalesEveryGradientByOneFactor() {
    // A limit below the gradients' norm: each step's gradients are scaled by limit / norm,
    // which changes the second step (Adam's first step is scale-free).
    double limit = 0.05;
    twoSteps(
        new TrainingGraph.Clip.ByGlobalNorm(limit),
        g -> {
          double norm = globalNorm(g);
          assertThat(norm).isGreaterThan(limit);
          return map(g, x -> x * limit / Math.max(norm, limit));
        });
  }

  @Test
  void valueClippingLimitsEachElement() {
    double limit = 0.01;
    twoSteps(
        new TrainingGraph.Clip.ByValue(limit),
        g -> {
          assertThat(g.values()).anyMatch(t -> t.maxAbs() > limit);
          return map(g, x -> Math.max(-limit, Math.min(limit, x)));
        });
  }

  /** Each element of each tensor through {@code f}. */
  private static Map<String, HostTensor> map(Map<String, HostTensor> g, DoubleUnaryOperator f) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    g.forEach(
        (n, t) ->
            out.put(
                n,
                HostTensor.wrap(
                    t.dtype(),
                    t.shape(),
                    java.util.Arrays.stream(t.toDoubleArray()).map(f).toArray())));
    return out;
  }

  /**
   * Two AdamW steps with {@code clip}, against the update written by hand from the gradients as
   * {@code clipped} turns them into what the optimiser should see.
   */
  private void twoSteps(TrainingGraph.Clip clip, UnaryOperator<Map<String, HostTensor>> clipped) {
    try (TrainingSession s = new TrainingSession(graph(1, clip))) {
      Map<String, HostTensor> p0 = s.graph().model().initialValues(11);
      s.load(p0, null);
      Map<String, HostTensor> g1 = gradients(p0);
      s.step(new long[][][] {BATCH}, LR);
      Map<String, HostTensor> p1 = s.parameters();
      Map<String, HostTensor> g2 = gradients(p1);
      s.step(new long[][][] {BATCH}, LR);
      Map<String, HostTensor> p2 = s.parameters();
      assertThat(worstError(p0, p1, p2, clipped.apply(g1), clipped.apply(g2)))
          .isLessThanOrEqualTo(1e-12);
      assertThat(s.optimizerState().get("adamw.step").get(0)).isEqualTo(2.0);
    }
  }

  /** Largest distance of p1, p2 from AdamW written out by hand from gradients g1, g2. */
  private static double worstError(
      Map<String, HostTensor> p0,
      Map<String, HostTensor> p1,
      Map<String, HostTensor> p2,
      Map<String, HostTensor> g1,
      Map<String, HostTensor> g2) {
    double worst = 0;
    for (String name : p0.keySet()) {
      double[] a = p0.get(name).toDoubleArray();
      double[] b = p1.get(name).toDoubleArray();
      double[] c = p2.get(name).toDoubleArray();
      double[] x1 = g1.get(name).toDoubleArray();
      double[] x2 = g2.get(name).toDoubleArray();
      for (int i = 0; i < a.length; i++) {
        double m1 = (1 - B1) * x1[i];
        double v1 = (1 - B2) * x1[i] * x1[i];
        double want1 = a[i] - LR * (WD * a[i] + (m1 / (1 - B1)) / (Math.sqrt(v1 / (1 - B2)) + EPS));
        double m2 = B1 * m1 + (1 - B1) * x2[i];
        double v2 = B2 * v1 + (1 - B2) * x2[i] * x2[i];
        double want2 =
            b[i] - LR * (WD * b[i] + (m2 / (1 - B1 * B1)) / (Math.sqrt(v2 / (1 - B2 * B2)) + EPS));
        worst = Math.max(worst, Math.max(Math.abs(b[i] - want1), Math.abs(c[i] - want2)));
      }
    }
    return worst;
  }

  @Test
  void accumulatingTwoHalvesEqualsOneStepOnTheWholeBatch() {
    Map<String, HostTensor> after1;
    Map<String, HostTensor> after2;
    try (TrainingSession whole = new TrainingSession(graph(1))) {
      whole.load(whole.graph().model().initialValues(7), null);
      whole.step(new long[][][] {BATCH}, LR);
      after1 = new LinkedHashMap<>(whole.parameters());
    }
    try (TrainingSession halves = new TrainingSession(graph(2))) {
      halves.load(halves.graph().model().initialValues(7), null);
      halves.step(new long[][][] {{BATCH[0], BATCH[1]}, {BATCH[2], BATCH[3]}}, LR);
      after2 = halves.parameters();
    }
    double worst = 0;
    for (String name : after1.keySet()) {
      worst = Math.max(worst, after1.get(name).maxAbsDiff(after2.get(name)));
    }
    assertThat(worst).isLessThanOrEqualTo(1e-9);
  }
}
