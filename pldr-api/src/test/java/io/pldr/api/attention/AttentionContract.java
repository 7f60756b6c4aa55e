package io.pldr.api.attention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.MetricOperator;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract every attention variant passes, built-in or a user's: what the decoder relies on
 * ({@link Attention}). Extend it with the variant's provider and a backend's {@link
 * OperatorHarness} (pldr-api's test-jar). The variant is checked with operators of the contract's
 * own (a metric operator whose G_LM is its refined metric tensor, and constant operators), so it
 * needs nothing of a backend's operators: shapes, that masked keys and values do not matter, that
 * cached deductive outputs are used as given, that a cached refined metric tensor replaces the
 * metric tensor's computation, and that the result reports the refined metric tensor exactly when
 * it computed one.
 */
public abstract class AttentionContract {
  /** Batch, heads, depth, query positions and key positions of the inputs. */
  protected static final int B = 2;

  protected static final int H = 2;
  protected static final int D = 8;
  protected static final int T = 3;
  protected static final int S = 5;

  /** Absolute agreement of two outputs that must be equal (float64). */
  private static final double TOLERANCE = 1e-12;

  /** The attention variant under test. */
  protected abstract AttentionProvider provider();

  /** A backend harness in the given precision. */
  protected abstract OperatorHarness harness(DType dtype);

  /** The model the variant is built for; override to set what the variant reads. */
  protected ModelConfig config() {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(1)
            .setDModel(H * D)
            .setNumHeads(H)
            .setDff(24)
            .setVocabSize(16)
            .setMaxSeqLen(8)
            .build(),
        "contract");
  }

  /** What the contract feeds: queries, keys, values and a mask. */
  private record Feed(Tensor q, Tensor k, Tensor v, Map<Tensor, HostTensor> values) {
    Feed with(Tensor t, HostTensor value) {
      Map<Tensor, HostTensor> m = new java.util.HashMap<>(values);
      m.put(t, value);
      return new Feed(q, k, v, m);
    }
  }

  private Feed feed(OperatorHarness h, long seed) {
    Tensor q = h.input(Shape.of(B, H, T, D));
    Tensor k = h.input(Shape.of(B, H, S, D));
    Tensor v = h.input(Shape.of(B, H, S, D));
    Random r = new Random(seed);
    return new Feed(
        q,
        k,
        v,
        Map.of(q, random(r, B, H, T, D), k, random(r, B, H, S, D), v, random(r, B, H, S, D)));
  }

  /** Look-ahead over the last T of S positions, and row 1's key 0 as padding. */
  private static Tensor mask(TensorOps ops) {
    double[] m = new double[B * T * S];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < T; i++) {
        for (int j = 0; j < S; j++) {
          boolean future = j > S - T + i;
          m[(b * T + i) * S + j] = future || (b == 1 && j == 0) ? 1 : 0;
        }
      }
    }
    return ops.constant(Shape.of(B, 1, T, S), m);
  }

  private Attention attention(TensorOps ops, TensorOperator operator) {
    OperatorContext layer = new OperatorContext(0, config(), ops, "decoder.dec_layers.0.mha1");
    return provider().create(new AttentionContext(layer, operator));
  }

  /** G_LM = A_LM = the refined metric tensor, refined as 2·A. */
  private static MetricOperator metricOperator(TensorOps ops) {
    return new MetricOperator() {
      @Override
      public Tensor refine(Tensor metric) {
        return ops.scale(metric, 2);
      }

      @Override
      public DeductiveOutputs deduce(Tensor refined) {
        return new DeductiveOutputs(refined, refined);
      }
    };
  }

  private static ConstantOperator constantOperator(TensorOps ops, long seed) {
    HostTensor g = random(new Random(seed), 1, H, D, D);
    Tensor t = ops.constant(g.shape(), g.toDoubleArray());
    DeductiveOutputs outputs = new DeductiveOutputs(t, t);
    return () -> outputs;
  }

  private static DeductiveOutputs deductive(TensorOps ops, long seed) {
    HostTensor a = random(new Random(seed), 1, H, D, D);
    HostTensor g = random(new Random(seed + 1), 1, H, D, D);
    return new DeductiveOutputs(
        ops.constant(a.shape(), a.toDoubleArray()), ops.constant(g.shape(), g.toDoubleArray()));
  }

  @Test
  void theOutputHasOneRowPerQueryAndTheLogitsOneColumnPerKey() {
    try (OperatorHarness h = harness(DType.FLOAT32)) {
      Feed f = feed(h, 1);
      AttentionResult r =
          attention(h.ops(), constantOperator(h.ops(), 2))
              .attend(AttentionInputs.of(f.q(), f.k(), f.v(), mask(h.ops())));
      assertThat(h.eval(r.output(), f.values()).shape()).isEqualTo(Shape.of(B, H, T, D));
      assertThat(h.eval(r.logits(), f.values()).shape()).isEqualTo(Shape.of(B, H, T, S));
      assertThat(Double.isFinite(h.eval(r.output(), f.values()).maxAbs())).isTrue();
    }
  }

  @Test
  void theWeightsAreEachQuerysDistributionOverItsUnmaskedKeys() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      Feed f = feed(h, 4);
      AttentionResult r =
          attention(h.ops(), metricOperator(h.ops()))
              .attend(AttentionInputs.of(f.q(), f.k(), f.v(), mask(h.ops())));
      HostTensor e = h.eval(r.weights(), f.values());
      assertThat(e.shape()).isEqualTo(Shape.of(B, H, T, S));
      for (int b = 0; b < B; b++) {
        for (int head = 0; head < H; head++) {
          for (int i = 0; i < T; i++) {
            double sum = 0;
            for (int j = 0; j < S; j++) {
              double w = e.get(((b * H + head) * T + i) * S + j);
              boolean masked = j > S - T + i || (b == 1 && j == 0);
              assertThat(w).as("weight of key %d for query %d", j, i).isBetween(0.0, 1.0);
              if (masked) {
                assertThat(w).as("masked key %d of query %d", j, i).isLessThan(1e-12);
              }
              sum += w;
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(TOLERANCE));
          }
        }
      }
    }
  }

  @Test
  void maskedKeysAndValuesDoNotChangeTheOutput() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      Feed f = feed(h, 3);
      AttentionResult r =
          attention(h.ops(), metricOperator(h.ops()))
              .attend(AttentionInputs.of(f.q(), f.k(), f.v(), mask(h.ops())));
      HostTensor before = h.eval(r.output(), f.values());
      // row 1's key 0 is padding: another key and value there changes nothing
      HostTensor k = f.values().get(f.k());
      HostTensor v = f.values().get(f.v());
      HostTensor after =
          h.eval(
              r.output(), f.with(f.k(), changed(k, 1, 0)).with(f.v(), changed(v, 1, 0)).values());
      assertThat(after.maxAbsDiff(before)).isLessThanOrEqualTo(TOLERANCE);
      // an unmasked one changes it
      HostTensor visible = h.eval(r.output(), f.with(f.v(), changed(v, 1, 1)).values());
      assertThat(visible.maxAbsDiff(before)).isGreaterThan(1e-6);
    }
  }

  @Test
  void keysAndValuesInPartsAttendAsJoinedAndSpareColumnsAreIgnored() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOps ops = h.ops();
      // a cache of 4 columns holding 2 positions (2 spare), and T new positions
      int c = 4;
      int cached = 2;
      Tensor q = h.input(Shape.of(B, H, T, D));
      Tensor kc = h.input(Shape.of(B, H, c, D));
      Tensor vc = h.input(Shape.of(B, H, c, D));
      Tensor kn = h.input(Shape.of(B, H, T, D));
      Tensor vn = h.input(Shape.of(B, H, T, D));
      Random r = new Random(12);
      Map<Tensor, HostTensor> values =
          new java.util.HashMap<>(
              Map.of(
                  q, random(r, B, H, T, D),
                  kc, random(r, B, H, c, D),
                  vc, random(r, B, H, c, D),
                  kn, random(r, B, H, T, D),
                  vn, random(r, B, H, T, D)));
      double[] m = new double[B * T * (c + T)];
      for (int b = 0; b < B; b++) {
        for (int i = 0; i < T; i++) {
          for (int j = 0; j < c + T; j++) {
            boolean spare = j >= cached && j < c;
            boolean future = j >= c && j - c > i;
            m[(b * T + i) * (c + T) + j] = spare || future || (b == 1 && j == 0) ? 1 : 0;
          }
        }
      }
      Tensor mask = ops.constant(Shape.of(B, 1, T, c + T), m);
      DeductiveOutputs given = deductive(ops, 13);
      Tensor keys = ops.concat(2, kc, kn);
      Tensor vals = ops.concat(2, vc, vn);
      Attention attention = attention(ops, constantOperator(ops, 14));
      AttentionResult joined =
          attention.attend(
              new AttentionInputs(
                  q, keys, vals, mask, java.util.Optional.empty(), java.util.Optional.of(given)));
      AttentionResult inParts =
          attention.attend(
              new AttentionInputs(
                  q,
                  keys,
                  vals,
                  mask,
                  java.util.Optional.empty(),
                  java.util.Optional.of(given),
                  java.util.Optional.of(new KeyValueParts(kc, vc, kn, vn))));
      HostTensor expected = h.eval(joined.output(), values);
      assertThat(h.eval(inParts.output(), values).maxAbsDiff(expected))
          .isLessThanOrEqualTo(TOLERANCE);
      assertThat(h.eval(inParts.weights(), values).maxAbsDiff(h.eval(joined.weights(), values)))
          .isLessThanOrEqualTo(TOLERANCE);
      // other keys and values in the spare columns change nothing; in a cached column they do
      Map<Tensor, HostTensor> spare = new java.util.HashMap<>(values);
      spare.put(kc, changed(changed(values.get(kc), 0, cached), 1, cached + 1));
      spare.put(vc, changed(changed(values.get(vc), 0, cached), 1, cached + 1));
      assertThat(h.eval(inParts.output(), spare).maxAbsDiff(expected))
          .isLessThanOrEqualTo(TOLERANCE);
      Map<Tensor, HostTensor> visible = new java.util.HashMap<>(values);
      visible.put(vc, changed(values.get(vc), 0, 1));
      assertThat(h.eval(inParts.output(), visible).maxAbsDiff(expected)).isGreaterThan(1e-6);
    }
  }

  @Test
  void cachedDeductiveOutputsAreUsedAsGiven() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOps ops = h.ops();
      Feed f = feed(h, 5);
      DeductiveOutputs cached = deductive(ops, 6);
      AttentionInputs in =
          new AttentionInputs(
              f.q(),
              f.k(),
              f.v(),
              mask(ops),
              java.util.Optional.empty(),
              java.util.Optional.of(cached));
      AttentionResult fromMetric = attention(ops, metricOperator(ops)).attend(in);
      AttentionResult fromConstant = attention(ops, constantOperator(ops, 7)).attend(in);
      assertThat(fromMetric.metric()).as("no metric tensor is computed under a G-cache").isEmpty();
      assertThat(h.eval(fromMetric.deductive().gLm(), f.values()))
          .isEqualTo(h.eval(cached.gLm(), f.values()));
      assertThat(
              h.eval(fromMetric.output(), f.values())
                  .maxAbsDiff(h.eval(fromConstant.output(), f.values())))
          .as("the operator plays no part")
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void aCachedMetricTensorReplacesItsComputation() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOps ops = h.ops();
      Feed f = feed(h, 8);
      Attention attention = attention(ops, metricOperator(ops));
      AttentionResult uncached =
          attention.attend(AttentionInputs.of(f.q(), f.k(), f.v(), mask(ops)));
      assertThat(uncached.metric()).as("a metric operator's refined metric tensor").isPresent();
      HostTensor refined = h.eval(uncached.metric().get(), f.values());
      Tensor cachedMetric = ops.constant(refined.shape(), refined.toDoubleArray());
      AttentionResult cached =
          attention.attend(
              new AttentionInputs(
                  f.q(),
                  f.k(),
                  f.v(),
                  mask(ops),
                  java.util.Optional.of(cachedMetric),
                  java.util.Optional.empty()));
      assertThat(cached.metric()).as("nothing new to keep").isEmpty();
      assertThat(
              h.eval(cached.output(), f.values()).maxAbsDiff(h.eval(uncached.output(), f.values())))
          .isLessThanOrEqualTo(TOLERANCE);
      // other queries, the same cached metric: the same deductive outputs
      Feed other = f.with(f.q(), random(new Random(9), B, H, T, D));
      assertThat(h.eval(cached.deductive().gLm(), other.values()))
          .isEqualTo(h.eval(uncached.deductive().gLm(), f.values()));
      assertThat(
              h.eval(uncached.deductive().gLm(), other.values())
                  .maxAbsDiff(h.eval(uncached.deductive().gLm(), f.values())))
          .as("uncached, G_LM follows the queries")
          .isGreaterThan(1e-6);
    }
  }

  @Test
  void aConstantOperatorsOutputsAreTheResultsAndNoMetricIsComputed() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOps ops = h.ops();
      Feed f = feed(h, 10);
      ConstantOperator operator = constantOperator(ops, 11);
      AttentionResult r =
          attention(ops, operator).attend(AttentionInputs.of(f.q(), f.k(), f.v(), mask(ops)));
      assertThat(r.metric()).isEmpty();
      assertThat(h.eval(r.deductive().gLm(), f.values()))
          .isEqualTo(h.eval(operator.outputs().gLm(), f.values()));
    }
  }

  private static HostTensor random(Random r, long... dims) {
    Shape shape = Shape.of(dims);
    double[] v = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return HostTensor.of(DType.FLOAT64, shape, v);
  }

  /** {@code t [B, H, S, D]} with every head's position {@code s} of row {@code b} changed. */
  private static HostTensor changed(HostTensor t, int b, int s) {
    double[] v = t.toDoubleArray();
    int columns = (int) t.shape().dim(2);
    for (int head = 0; head < H; head++) {
      for (int d = 0; d < D; d++) {
        v[((b * H + head) * columns + s) * D + d] += 3.0 + d;
      }
    }
    return HostTensor.of(t.dtype(), t.shape(), v);
  }
}
