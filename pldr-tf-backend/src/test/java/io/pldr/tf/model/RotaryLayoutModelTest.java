package io.pldr.tf.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.config.RotaryLayout;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.testing.NaiveSdpaTransformer;
import io.pldr.tf.testing.Specs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * A whole model in the HALF rotary layout (the Hugging Face port's {@code reference_rope: false},
 * v52) is the INTERLEAVED model (the reference's) with its query and key rows reordered, and both
 * are what a loop transformer computes.
 */
class RotaryLayoutModelTest {
  private static final long[][] TOKENS = {{4, 17, 33, 2, 49, 8, 11}, {0, 0, 5, 9, 21, 30, 7}};

  private static ModelConfig config(Precision precision, RotaryLayout layout, double ropeTheta) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(2)
            .setDModel(24)
            .setNumHeads(3)
            .setDff(40)
            .setVocabSize(50)
            .setMaxSeqLen(16)
            .setPrecision(precision)
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("identity"))
            .setRotaryLayout(layout)
            .setRopeTheta(ropeTheta)
            .build(),
        "test");
  }

  static Stream<Arguments> precisionsAndModes() {
    return Stream.of(Precision.FLOAT32, Precision.FLOAT64)
        .flatMap(p -> Stream.of(GraphMode.values()).map(m -> Arguments.of(p, m)));
  }

  /**
   * With G_LM = I the attention scores are q·k/√d, unchanged when q and k are permuted alike. Let P
   * send entry (i, i+d/2) of each head, the HALF layout's pair i, to entries (2i, 2i+1), the
   * INTERLEAVED layout's pair i: (Pq)[2i] = q[i], (Pq)[2i+1] = q[i+d/2]. Both layouts turn pair i
   * by the same angle, so rot_interleaved(P·q) = P·rot_half(q), and (P·q)·(P·k) = q·k. Taking the
   * rows of wq and wk (and their biases) in the order P makes the interleaved model's queries and
   * keys P·q and P·k: its attention, and everything after it, is the HALF model's.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("precisionsAndModes")
  void halfLayoutEqualsInterleavedLayoutWithQueryAndKeyRowsPairedPerHead(
      Precision precision, GraphMode mode) {
    ModelConfig half = config(precision, RotaryLayout.HALF, 0);
    ModelConfig interleaved = config(precision, RotaryLayout.INTERLEAVED, 0);
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(Specs.of(half))) {
      parameters = g.initialValues(5);
    }
    Map<String, HostTensor> permuted = new LinkedHashMap<>(parameters);
    int depth = ModelConfigs.depth(half);
    for (int layer = 0; layer < half.getNumLayers(); layer++) {
      for (String map : new String[] {"wq", "wk"}) {
        for (String part : new String[] {"weight", "bias"}) {
          String name = "decoder.dec_layers." + layer + ".mha1." + map + "." + part;
          permuted.put(name, halfPairsInterleaved(parameters.get(name), depth));
        }
      }
    }
    HostTensor expected = logits(Specs.of(half), mode, parameters);
    HostTensor actual = logits(Specs.of(interleaved), mode, permuted);
    HostTensor unpermuted = logits(Specs.of(interleaved), mode, parameters);
    double tolerance = precision == Precision.FLOAT64 ? 1e-10 : 1e-5;
    System.out.printf(
        "%s %s: HALF vs permuted INTERLEAVED max |Δ logits| %.2e (unpermuted %.2e, largest %.2f)%n",
        precision,
        mode,
        actual.maxAbsDiff(expected),
        unpermuted.maxAbsDiff(expected),
        expected.maxAbs());
    assertThat(expected.maxAbs()).isGreaterThan(0.1);
    assertThat(actual.maxAbsDiff(expected)).isLessThanOrEqualTo(tolerance);
    // the layouts differ: without the permutation the logits are another model's
    assertThat(unpermuted.maxAbsDiff(expected)).isGreaterThan(1e-3);
  }

  @Test
  void halfLayoutWithAnotherBaseEqualsTheLoopSdpaTransformer() {
    ModelConfig config = config(Precision.FLOAT64, RotaryLayout.HALF, 500);
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(Specs.of(config))) {
      parameters = g.initialValues(9);
    }
    NaiveSdpaTransformer loops = new NaiveSdpaTransformer(config, parameters);
    for (GraphMode mode : GraphMode.values()) {
      HostTensor logits = logits(Specs.of(config), mode, parameters);
      long[] row = TOKENS[0];
      int vocab = config.getVocabSize();
      double[][] expected = loops.logits(row);
      double max = 0;
      for (int t = 0; t < row.length; t++) {
        for (int v = 0; v < vocab; v++) {
          max = Math.max(max, Math.abs(logits.get(t * vocab + v) - expected[t][v]));
        }
      }
      System.out.printf("HALF, rope_theta 500, %s vs loops: max |Δ logits| %.2e%n", mode, max);
      // not 1e-12: the model computes rotary angles in float32, the loops in float64
      assertThat(max).isLessThanOrEqualTo(1e-6);
    }
  }

  /** Rows (or entries) of {@code t} {@code [D, ...]} in the order P above, head by head. */
  private static HostTensor halfPairsInterleaved(HostTensor t, int depth) {
    double[] from = t.toDoubleArray();
    double[] to = new double[from.length];
    int rows = Math.toIntExact(t.shape().dim(0));
    int width = from.length / rows;
    for (int head = 0; head < rows / depth; head++) {
      for (int i = 0; i < depth / 2; i++) {
        int base = head * depth;
        System.arraycopy(from, (base + i) * width, to, (base + 2 * i) * width, width);
        System.arraycopy(
            from, (base + i + depth / 2) * width, to, (base + 2 * i + 1) * width, width);
      }
    }
    return HostTensor.wrap(t.dtype(), t.shape(), to);
  }

  private static HostTensor logits(
      ModelSpec spec, GraphMode mode, Map<String, HostTensor> parameters) {
    try (ModelGraph model = new ModelGraph(spec, mode)) {
      PldrDecoder.Outputs out = model.decoder().forward(model.tf().constant(TOKENS));
      try (Session s = model.openSession()) {
        model.assign(s, parameters, "test values");
        try (Result r = s.runner().fetch(out.logits()).run()) {
          return HostTensors.fromTensor(r.get(0));
        }
      }
    }
  }
}
