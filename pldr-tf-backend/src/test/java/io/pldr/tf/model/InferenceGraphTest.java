package io.pldr.tf.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.PackedLinear;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.runtime.VariableIo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * An inference graph (packed, transposed weights; rows flattened; q, k, v rotated together)
 * computes what the training graph computes, and its packed parameters load and read back as the
 * parameters they are.
 */
class InferenceGraphTest {
  @Test
  void packedLinearIsEachPartsProductSideBySideAndReadsBackExactly() {
    int in = 5;
    int[] outs = {3, 7, 2};
    SplittableRandom random = new SplittableRandom(3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParameterRegistry registry = new ParameterRegistry(tf, DType.FLOAT64, GraphMode.INFERENCE);
      PackedLinear packed =
          registry.packedLinear(
              in,
              List.of(
                  PackedLinear.Part.linear("a", 3),
                  PackedLinear.Part.linear("b", 7),
                  PackedLinear.Part.linear("c", 2)));
      double[][] x = new double[4][in];
      for (double[] row : x) {
        for (int i = 0; i < in; i++) {
          row[i] = random.nextDouble(-1, 1);
        }
      }
      Operand<TFloat64> y = packed.apply(tf, tf.constant(x));
      Map<String, HostTensor> values = new LinkedHashMap<>();
      String[] names = {"a", "b", "c"};
      for (int p = 0; p < names.length; p++) {
        values.put(names[p] + ".weight", randomTensor(random, outs[p], in));
        values.put(names[p] + ".bias", randomTensor(random, outs[p]));
      }
      assertThat(registry.all().keySet()).containsExactlyElementsOf(values.keySet());
      try (Session s = new Session(g)) {
        VariableIo.assign(s, registry, values, "test values");
        Map<String, HostTensor> read = VariableIo.read(s, registry);
        values.forEach(
            (name, v) -> {
              assertThat(read.get(name).shape()).isEqualTo(v.shape());
              assertThat(read.get(name).toDoubleArray()).containsExactly(v.toDoubleArray());
            });
        HostTensor out;
        try (Result r = s.runner().fetch(y).run()) {
          out = HostTensors.fromTensor(r.get(0));
        }
        assertThat(out.shape().dims()).containsExactly(4, 12);
        double max = 0;
        for (int row = 0; row < 4; row++) {
          int column = 0;
          for (int p = 0; p < names.length; p++) {
            double[] w = values.get(names[p] + ".weight").toDoubleArray();
            double[] b = values.get(names[p] + ".bias").toDoubleArray();
            for (int o = 0; o < outs[p]; o++, column++) {
              double expected = b[o];
              for (int i = 0; i < in; i++) {
                expected += x[row][i] * w[o * in + i];
              }
              max = Math.max(max, Math.abs(out.get(row * 12 + column) - expected));
            }
          }
        }
        assertThat(max).isLessThan(1e-14);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"learned", "identity"})
  void inferenceGraphComputesWhatTheTrainingGraphComputes(String operator) {
    ModelConfig config =
        ModelConfigs.validate(
            ModelConfig.newBuilder()
                .setNumLayers(2)
                .setDModel(24)
                .setNumHeads(3)
                .setDff(40)
                .setVocabSize(50)
                .setMaxSeqLen(16)
                .setADff(12)
                .setNumReslayerA(1)
                .setNumDenseA(2)
                .setPrecision(Precision.FLOAT64)
                .setTensorOperator(TensorOperatorSpec.newBuilder().setName(operator))
                .build(),
            "test");
    Components c = Guice.createInjector(PldrInjectors.builtIn()).getInstance(Components.class);
    long[][] tokens = {{4, 17, 33, 2, 49, 8, 11}, {0, 0, 5, 9, 21, 30, 7}}; // 0: padding
    Map<String, HostTensor> parameters;
    HostTensor[] logits = new HostTensor[2];
    HostTensor[] gLm = new HostTensor[2];
    try (ModelGraph training = new ModelGraph(c.spec(config))) {
      parameters = training.initialValues(7);
      evaluate(training, parameters, tokens, logits, gLm, 0);
    }
    try (ModelGraph inference = new ModelGraph(c.spec(config), GraphMode.INFERENCE)) {
      assertThat(inference.parameterSpecs())
          .isEqualTo(new ModelGraph(c.spec(config)).parameterSpecs());
      evaluate(inference, parameters, tokens, logits, gLm, 1);
    }
    assertThat(logits[1].shape()).isEqualTo(logits[0].shape());
    double scale = 0;
    for (int i = 0; i < logits[0].size(); i++) {
      scale = Math.max(scale, Math.abs(logits[0].get(i)));
    }
    assertThat(scale).isGreaterThan(0.1);
    assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan(1e-12);
    assertThat(gLm[1].maxAbsDiff(gLm[0])).isLessThan(1e-12);
  }

  private static void evaluate(
      ModelGraph model,
      Map<String, HostTensor> parameters,
      long[][] tokens,
      HostTensor[] logits,
      HostTensor[] gLm,
      int slot) {
    Operand<TInt64> input = model.tf().constant(tokens);
    PldrDecoder.Outputs out = model.decoder().forward(input);
    try (Session s = model.openSession()) {
      model.assign(s, parameters, "initial values");
      assertThat(model.read(s))
          .allSatisfy(
              (name, v) ->
                  assertThat(v.toDoubleArray())
                      .containsExactly(parameters.get(name).toDoubleArray()));
      try (Result r = s.runner().fetch(out.logits()).fetch(out.layers().get(1).gLm()).run()) {
        logits[slot] = HostTensors.fromTensor(r.get(0));
        gLm[slot] = HostTensors.fromTensor(r.get(1));
      }
    }
  }

  private static HostTensor randomTensor(SplittableRandom random, long... dims) {
    Shape shape = Shape.of(dims);
    double[] v = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextDouble(-1, 1);
    }
    return HostTensor.wrap(DType.FLOAT64, shape, v);
  }
}
