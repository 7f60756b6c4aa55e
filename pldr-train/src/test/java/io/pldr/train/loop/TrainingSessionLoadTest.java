package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.testing.Specs;
import io.pldr.train.graph.TinyModel;
import io.pldr.train.graph.TrainingGraph;
import io.pldr.train.optim.AdamW;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loading parameters and optimiser state takes a constant number of session runs, whatever the
 * model's size, and a session loaded from another's state continues it exactly.
 */
class TrainingSessionLoadTest {
  private static final long[][] BATCH_1 = {{3, 5, 7, 9, 11, 2}, {4, 6, 8, 10, 12, 13}};
  private static final long[][] BATCH_2 = {{13, 2, 5, 7, 1, 4}, {9, 9, 4, 3, 2, 8}};

  private static TrainingGraph graph(int layers, Precision precision, int accumulation) {
    return new TrainingGraph(
        Specs.of(TinyModel.config(layers, precision)),
        new TrainingGraph.Clip.ByValue(1.0),
        new AdamW.Settings(0.9, 0.95, 1e-5, 0.1),
        accumulation);
  }

  /** Runs of a fresh load and of a resuming load. */
  private static long[] runs(int layers, int accumulation) {
    TrainingGraph graph = graph(layers, Precision.FLOAT32, accumulation);
    try (TrainingSession s = new TrainingSession(graph)) {
      Map<String, HostTensor> initial = graph.model().initialValues(1);
      long fresh = s.load(initial, null);
      long resumed = s.load(s.parameters(), s.optimizerState());
      return new long[] {fresh, resumed};
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void loadingTakesTheSameRunsForOneLayerAsForThree(int accumulation) {
    long[] one = runs(1, accumulation);
    long[] three = runs(3, accumulation);
    assertThat(three).containsExactly(one);
    // fresh: the resets (optimiser, accumulators), then the parameters; resuming: the parameters
    // and the state in one run, with the accumulators' reset before it
    assertThat(three).containsExactly(2, accumulation > 1 ? 2 : 1);
  }

  @Test
  void aSessionLoadedWithAnothersStateContinuesItExactly() {
    TrainingGraph first = graph(2, Precision.FLOAT32, 1);
    Map<String, HostTensor> parameters;
    Map<String, HostTensor> state;
    TrainingSession.StepResult expected;
    Map<String, HostTensor> expectedParameters;
    Map<String, HostTensor> expectedState;
    try (TrainingSession a = new TrainingSession(first)) {
      a.load(first.model().initialValues(7), null);
      a.step(new long[][][] {BATCH_1}, 1e-2);
      parameters = a.parameters();
      state = a.optimizerState();
      expected = a.step(new long[][][] {BATCH_2}, 1e-2);
      expectedParameters = a.parameters();
      expectedState = a.optimizerState();
    }
    TrainingGraph second = graph(2, Precision.FLOAT32, 1);
    try (TrainingSession b = new TrainingSession(second)) {
      b.load(parameters, state);
      assertThat(b.parameters()).isEqualTo(parameters);
      assertThat(b.optimizerState()).isEqualTo(state);
      TrainingSession.StepResult step = b.step(new long[][][] {BATCH_2}, 1e-2);
      assertThat(step).isEqualTo(expected);
      assertThat(b.parameters()).isEqualTo(expectedParameters);
      assertThat(b.optimizerState()).isEqualTo(expectedState);
    }
  }
}
