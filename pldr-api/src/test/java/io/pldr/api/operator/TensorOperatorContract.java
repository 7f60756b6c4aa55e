package io.pldr.api.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract every tensor operator passes, built-in or a user's: extend it with the operator's
 * provider and a backend's {@link OperatorHarness} (pldr-api's test-jar). It checks the shapes of
 * A_LM and G_LM, that the provider accepts its own configuration, determinism, that a metric
 * operator reads its metric tensor and a constant one is the same in every graph, and gradients
 * against finite differences. A check that does not apply to the operator (a constant operator has
 * no input; a parameter-free constant operator no gradient) is reported as skipped, not passed.
 */
public abstract class TensorOperatorContract {
  /** Batch, heads and depth of the metric tensors the contract feeds. */
  protected static final int B = 2;

  protected static final int H = 2;
  protected static final int D = 8;

  /** Relative agreement of analytic and finite-difference directional derivatives (float64). */
  private static final double GRADIENT_TOLERANCE = 1e-6;

  /** The operator under test. */
  protected abstract TensorOperatorProvider provider();

  /** A backend harness in the given precision. */
  protected abstract OperatorHarness harness(DType dtype);

  /** The model the operator is built for; override to set operator options. */
  protected ModelConfig config() {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(1)
            .setDModel(H * D)
            .setNumHeads(H)
            .setDff(24)
            .setVocabSize(16)
            .setADff(6)
            .setNumReslayerA(1)
            .setNumDenseA(1)
            .setMaxSeqLen(8)
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("operator-under-test"))
            .build(),
        "contract");
  }

  private TensorOperator create(TensorOps ops) {
    return provider().create(new OperatorContext(0, config(), ops, "decoder.dec_layers.0.mha1"));
  }

  /** The operator's outputs: from {@code metric} for a metric operator, its constants else. */
  private static DeductiveOutputs outputs(TensorOperator op, Tensor metric) {
    return op instanceof MetricOperator m
        ? m.deduce(m.refine(metric))
        : ((ConstantOperator) op).outputs();
  }

  private static HostTensor randomMetric(long seed) {
    Random r = new Random(seed);
    double[] a = new double[B * H * D * D];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    return HostTensor.of(DType.FLOAT64, Shape.of(B, H, D, D), a);
  }

  @Test
  void theProviderAcceptsItsConfiguration() {
    provider().validate(config());
  }

  @Test
  void deductiveOutputsHaveOneSquareMatrixPerHead() {
    try (OperatorHarness h = harness(DType.FLOAT32)) {
      Tensor metric = h.input(Shape.of(B, H, D, D));
      DeductiveOutputs d = outputs(create(h.ops()), metric);
      Map<Tensor, HostTensor> feeds = Map.of(metric, randomMetric(1).as(DType.FLOAT32));
      for (HostTensor t : new HostTensor[] {h.eval(d.aLm(), feeds), h.eval(d.gLm(), feeds)}) {
        long[] dims = t.shape().dims();
        assertThat(dims).hasSize(4);
        assertThat(dims[0]).isIn(1L, (long) B);
        assertThat(dims[1]).isEqualTo(H);
        assertThat(dims[2]).isEqualTo(D);
        assertThat(dims[3]).isEqualTo(D);
        assertThat(Double.isFinite(t.maxAbs())).isTrue();
      }
    }
  }

  @Test
  void theSameInputGivesTheSameOutput() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      Tensor metric = h.input(Shape.of(B, H, D, D));
      Map<Tensor, HostTensor> feeds = Map.of(metric, randomMetric(3));
      TensorOperator op = create(h.ops());
      HostTensor first = h.eval(outputs(op, metric).gLm(), feeds);
      HostTensor second = h.eval(outputs(op, metric).gLm(), feeds);
      assertThat(first.maxAbsDiff(second)).isZero();
    }
  }

  @Test
  void aMetricOperatorReadsItsMetricTensor() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOperator op = create(h.ops());
      assumeTrue(op instanceof MetricOperator, "a constant operator has no input");
      Tensor metric = h.input(Shape.of(B, H, D, D));
      Tensor g = outputs(op, metric).gLm();
      HostTensor a = h.eval(g, Map.of(metric, randomMetric(5)));
      HostTensor b = h.eval(g, Map.of(metric, randomMetric(6)));
      assertThat(a.maxAbsDiff(b)).as("G_LM for two metric tensors").isGreaterThan(1e-9);
    }
  }

  @Test
  void aConstantOperatorIsTheSameInEveryGraph() {
    HostTensor[] outputs = new HostTensor[4];
    for (int run = 0; run < 2; run++) {
      try (OperatorHarness h = harness(DType.FLOAT64)) {
        TensorOperator op = create(h.ops());
        assumeTrue(op instanceof ConstantOperator, "a metric operator depends on its input");
        DeductiveOutputs d = ((ConstantOperator) op).outputs();
        outputs[2 * run] = h.eval(d.aLm());
        outputs[2 * run + 1] = h.eval(d.gLm());
        assertThat(d.gLm().shape().dim(0)).as("a constant's batch dimension").isEqualTo(1);
      }
    }
    assertThat(outputs[0]).isEqualTo(outputs[2]);
    assertThat(outputs[1]).isEqualTo(outputs[3]);
  }

  /**
   * For a random direction U of the metric tensor, and one of all parameters, the derivative of
   * {@code Σ G_LM ⊙ R} along U computed by the backend equals a central finite difference.
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOps ops = h.ops();
      Tensor metric = h.input(Shape.of(B, H, D, D));
      TensorOperator op = create(ops);
      DeductiveOutputs d = outputs(op, metric);
      Map<String, Tensor> params = h.parameters();
      assumeTrue(
          op instanceof MetricOperator || !params.isEmpty(),
          "a parameter-free constant operator has nothing to differentiate");
      Random r = new Random(11);
      HostTensor weights = random(r, d.gLm().shape().dim(0), 1.0);
      Tensor loss =
          ops.sum(
              ops.reshape(
                  ops.mul(d.gLm(), ops.constant(weights.shape(), weights.toDoubleArray())), -1),
              0,
              false);
      HostTensor a = randomMetric(7);
      Map<Tensor, HostTensor> feeds = Map.of(metric, a);
      List<String> checked = new ArrayList<>();
      if (op instanceof MetricOperator) {
        HostTensor grad = h.gradient(loss, metric, feeds);
        HostTensor u = random(r, B, 1.0);
        double analytic = dot(grad, u);
        double numeric =
            centralDifference(step -> h.eval(loss, Map.of(metric, plus(a, u, step))).get(0));
        assertAgree("the metric tensor", analytic, numeric);
        checked.add("metric tensor");
      }
      if (!params.isEmpty()) {
        Map<String, HostTensor> start = new LinkedHashMap<>();
        Map<String, HostTensor> direction = new LinkedHashMap<>();
        double analytic = 0;
        for (Map.Entry<String, Tensor> p : params.entrySet()) {
          HostTensor value = h.eval(p.getValue());
          start.put(p.getKey(), value);
          HostTensor u = randomLike(r, value);
          direction.put(p.getKey(), u);
          analytic += dot(h.gradient(loss, p.getValue(), feeds), u);
        }
        double numeric =
            centralDifference(
                step -> {
                  start.forEach(
                      (name, value) -> h.assign(name, plus(value, direction.get(name), step)));
                  return h.eval(loss, feeds).get(0);
                });
        start.forEach(h::assign);
        assertAgree("every parameter", analytic, numeric);
        checked.add(params.size() + " parameters");
      }
      assertThat(checked).isNotEmpty();
    }
  }

  private static void assertAgree(String what, double analytic, double numeric) {
    assertThat(Math.abs(analytic - numeric))
        .as(
            "derivative along a random direction of %s: backend %s, finite difference %s",
            what, analytic, numeric)
        .isLessThanOrEqualTo(GRADIENT_TOLERANCE * Math.max(1, Math.abs(numeric)));
  }

  /** (f(h) − f(−h)) / 2h, with a fourth-order correction from f(±2h). */
  private static double centralDifference(java.util.function.DoubleUnaryOperator f) {
    double step = 1e-6;
    double f1 = f.applyAsDouble(step) - f.applyAsDouble(-step);
    double f2 = f.applyAsDouble(2 * step) - f.applyAsDouble(-2 * step);
    return (8 * f1 - f2) / (12 * step);
  }

  private static HostTensor random(Random r, long batch, double scale) {
    double[] v = new double[(int) (batch * H * D * D)];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return HostTensor.of(DType.FLOAT64, Shape.of(batch, H, D, D), v);
  }

  private static HostTensor randomLike(Random r, HostTensor like) {
    double[] v = new double[like.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return HostTensor.of(like.dtype(), like.shape(), v);
  }

  private static HostTensor plus(HostTensor x, HostTensor u, double step) {
    double[] v = x.toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      v[i] += step * u.get(i);
    }
    return HostTensor.of(x.dtype(), x.shape(), v);
  }

  private static double dot(HostTensor a, HostTensor b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += a.get(i) * b.get(i);
    }
    return s;
  }
}
