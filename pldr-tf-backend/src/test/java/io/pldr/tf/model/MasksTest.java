package io.pldr.tf.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.testing.TestGraph;
import org.junit.jupiter.api.Test;

/** The look-ahead and padding masks, each on its own, then their effect on a model. */
class MasksTest {
  @Test
  void lookAheadMaskForbidsExactlyTheKeysAfterEachQuery() {
    try (TestGraph g = new TestGraph(DType.FLOAT32)) {
      HostTensor m = g.eval(new Masks(g.ops()).lookAhead(g.ops().tf().constant(4)));
      assertThat(m.shape().dims()).containsExactly(4, 4);
      for (int q = 0; q < 4; q++) {
        for (int k = 0; k < 4; k++) {
          assertThat(m.get(q * 4 + k)).as("query %d key %d", q, k).isEqualTo(k > q ? 1.0 : 0.0);
        }
      }
    }
  }

  @Test
  void lookAheadRowsAreTheLastRowsOfTheWholeMask() {
    try (TestGraph g = new TestGraph(DType.FLOAT32)) {
      var tf = g.ops().tf();
      Masks masks = new Masks(g.ops());
      HostTensor whole = g.eval(masks.lookAhead(tf.constant(6)));
      for (int cached = 0; cached < 6; cached++) {
        HostTensor rows = g.eval(masks.lookAheadRows(tf.constant(cached), tf.constant(6)));
        assertThat(rows.shape().dims()).containsExactly(6 - cached, 6);
        assertThat(rows.toDoubleArray())
            .as("from row %d", cached)
            .containsExactly(java.util.Arrays.copyOfRange(whole.toDoubleArray(), cached * 6, 36));
      }
    }
  }

  @Test
  void paddingMaskForbidsExactlyThePaddingKeys() {
    try (TestGraph g = new TestGraph(DType.FLOAT32)) {
      var tokens = g.ops().tf().constant(new long[][] {{7, 0, 3}, {0, 0, 5}});
      HostTensor m = g.eval(new Masks(g.ops()).padding(tokens, 0));
      assertThat(m.shape().dims()).containsExactly(2, 1, 1, 3);
      assertThat(m.toDoubleArray()).containsExactly(0, 1, 0, 1, 1, 0);
    }
  }

  @Test
  void combinedMaskIsTheMaximumOfBoth() {
    try (TestGraph g = new TestGraph(DType.FLOAT32)) {
      var tokens = g.ops().tf().constant(new long[][] {{4, 4, 0}});
      HostTensor m = g.eval(new Masks(g.ops()).combined(tokens, 0));
      assertThat(m.shape().dims()).containsExactly(1, 1, 3, 3);
      assertThat(m.toDoubleArray()).containsExactly(0, 1, 1, 0, 0, 1, 0, 0, 1);
    }
  }

  @Test
  void laterTokensDoNotChangeEarlierLogitsUnderIdentityOperator() {
    // With a constant operator nothing sums over the sequence, so the look-ahead mask alone
    // decides what a position sees. (The learned operator's metric tensor A sums over every
    // position, future ones included, exactly as the reference does.)
    ModelConfig config =
        ModelConfig.newBuilder()
            .setNumLayers(2)
            .setDModel(16)
            .setNumHeads(2)
            .setDff(24)
            .setVocabSize(30)
            .setMaxSeqLen(8)
            .setTensorOperator(
                io.pldr.api.config.TensorOperatorSpec.newBuilder().setName("identity"))
            .build();
    try (PldrModel model =
        Guice.createInjector(PldrInjectors.builtIn())
            .getInstance(ModelFactory.class)
            .create(config, 5)) {
      HostTensor a = model.forward(new long[][] {{3, 8, 9, 11, 4}}).logits();
      HostTensor b = model.forward(new long[][] {{3, 8, 9, 27, 1}}).logits();
      int v = 30;
      for (int i = 0; i < 3 * v; i++) {
        assertThat(a.get(i)).as("position %d", i / v).isEqualTo(b.get(i));
      }
      double later = 0;
      for (int i = 3 * v; i < 5 * v; i++) {
        later = Math.max(later, Math.abs(a.get(i) - b.get(i)));
      }
      assertThat(later).isGreaterThan(1e-3);
    }
  }
}
