package io.pldr.tf.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.testing.Specs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Session;

/**
 * Loading takes a constant number of session runs up to 64 MiB of values, whatever the number of
 * parameters (an inference graph one more per chunk above), and what is loaded reads back exactly:
 * float32 and float64, packed (inference) and unpacked (training).
 */
class LoadingTest {
  private static ModelConfig config(int layers, Precision precision) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(layers)
            .setDModel(24)
            .setNumHeads(3)
            .setDff(40)
            .setVocabSize(50)
            .setMaxSeqLen(16)
            .setADff(12)
            .setNumReslayerA(2)
            .setNumDenseA(2)
            .setPrecision(precision)
            .build(),
        "test");
  }

  private static ModelGraph graph(int layers, Precision precision, GraphMode mode) {
    return new ModelGraph(Specs.of(config(layers, precision)), mode);
  }

  /**
   * Random values for every parameter: for a float32 model exactly representable, every other one
   * held as floats and the rest as doubles; for a float64 model with all 53 bits, but every third
   * one a float32 tensor.
   */
  private static Map<String, HostTensor> randomValues(ModelGraph g, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, HostTensor> values = new LinkedHashMap<>();
    int i = 0;
    for (ParameterSpec s : g.parameterSpecs().values()) {
      int n = Math.toIntExact(s.shape().size());
      if (g.dtype() == DType.FLOAT32) {
        float[] f = new float[n];
        for (int j = 0; j < n; j++) {
          f[j] = (float) r.nextDouble(-2, 2);
        }
        values.put(
            s.name(),
            i++ % 2 == 0
                ? HostTensor.wrapFloats(s.shape(), f)
                : HostTensor.wrap(
                    DType.FLOAT32, s.shape(), HostTensor.wrapFloats(s.shape(), f).toDoubleArray()));
      } else if (i++ % 3 == 0) { // float32 values widen into a float64 model
        float[] f = new float[n];
        for (int j = 0; j < n; j++) {
          f[j] = (float) r.nextDouble(-2, 2);
        }
        values.put(s.name(), HostTensor.wrapFloats(s.shape(), f));
      } else {
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
          d[j] = r.nextDouble(-2, 2);
        }
        values.put(s.name(), HostTensor.wrap(DType.FLOAT64, s.shape(), d));
      }
    }
    return values;
  }

  @ParameterizedTest
  @CsvSource({"FLOAT32, INFERENCE", "FLOAT32, TRAINING", "FLOAT64, INFERENCE", "FLOAT64, TRAINING"})
  void loadedValuesReadBackExactly(Precision precision, GraphMode mode) {
    try (ModelGraph g = graph(2, precision, mode);
        Session s = g.openSession()) {
      if (mode == GraphMode.INFERENCE) {
        assertThat(g.ops().parameters().preloads()).isNotEmpty(); // packed parameters
      }
      for (long seed : new long[] {1, 2}) { // a second load replaces the first
        Map<String, HostTensor> values = randomValues(g, seed);
        g.assign(s, values, "test values");
        Map<String, HostTensor> read = g.read(s);
        assertThat(read.keySet()).containsExactlyElementsOf(values.keySet());
        values.forEach(
            (name, v) -> {
              HostTensor back = read.get(name);
              assertThat(back.dtype()).as(name).isEqualTo(g.dtype());
              assertThat(back.shape()).as(name).isEqualTo(v.shape());
              assertThat(back.toDoubleArray()).as(name).isEqualTo(v.toDoubleArray());
              if (v.dtype() == g.dtype()) {
                assertThat(back).as(name).isEqualTo(v);
              }
            });
      }
    }
  }

  @ParameterizedTest
  @EnumSource(GraphMode.class)
  void loadingTakesTheSameNumberOfRunsForOneLayerAsForFour(GraphMode mode) {
    long small = loadRuns(1, mode);
    long large = loadRuns(4, mode);
    assertThat(large).isEqualTo(small);
    // inference: the packed variables' allocation, then every assignment; training: one run
    assertThat(large).isEqualTo(mode == GraphMode.INFERENCE ? 2 : 1);
  }

  @Test
  void valuesBeyondOneChunkLoadInRunsOfAChunkAndReadBackExactly() {
    try (ModelGraph g = graph(2, Precision.FLOAT32, GraphMode.INFERENCE);
        Session s = g.openSession()) {
      Map<String, HostTensor> values = randomValues(g, 4);
      long bytes = values.values().stream().mapToLong(v -> v.shape().size() * 8).sum();
      long largest =
          values.values().stream().mapToLong(v -> v.shape().size() * 8).max().orElseThrow();
      long chunk = Math.max(largest, bytes / 5);
      int runs =
          VariableIo.assign(
              s,
              List.of(new VariableIo.Assignment(g.ops().parameters(), values, "test")),
              List.of(),
              chunk);
      // the preload, then at least bytes / chunk runs, and fewer than twice as many
      assertThat(runs - 1).isBetween((int) (bytes / chunk), (int) (2 * bytes / chunk) + 1);
      Map<String, HostTensor> read = g.read(s);
      values.forEach(
          (name, v) ->
              assertThat(read.get(name).toDoubleArray()).as(name).isEqualTo(v.toDoubleArray()));
    }
  }

  private static long loadRuns(int layers, GraphMode mode) {
    try (ModelGraph g = graph(layers, Precision.FLOAT32, mode);
        Session s = g.openSession()) {
      Map<String, HostTensor> values = g.initialValues(3);
      return g.assign(s, values, "initial values");
    }
  }

  @Test
  void nothingIsAssignedWhenAValueIsWrong() {
    try (ModelGraph g = graph(1, Precision.FLOAT32, GraphMode.INFERENCE);
        Session s = g.openSession()) {
      Map<String, HostTensor> first = randomValues(g, 1);
      g.assign(s, first, "first");
      Map<String, HostTensor> wrong = new LinkedHashMap<>(randomValues(g, 2));
      String last = wrong.keySet().stream().reduce((a, b) -> b).orElseThrow();
      wrong.put(last, HostTensor.wrapFloats(io.pldr.api.tensor.Shape.of(1), new float[1]));
      assertThatThrownBy(() -> g.assign(s, wrong, "wrong values"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("wrong values")
          .hasMessageContaining(last);
      assertThat(g.read(s)).isEqualTo(first);
    }
  }
}
