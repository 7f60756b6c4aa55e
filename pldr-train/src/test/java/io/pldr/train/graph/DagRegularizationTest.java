package io.pldr.train.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.inject.Guice;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.model.LayerOutputs;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.testing.Specs;
import io.pldr.train.loop.TrainingSession;
import io.pldr.train.optim.AdamW;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The v510_dag terms in the training graph: what they are computed on, and how they enter the loss.
 */
class DagRegularizationTest {
  private static final ModelConfig CONFIG =
      ModelConfigs.validate(
          ModelConfig.newBuilder()
              .setNumLayers(2)
              .setDModel(8)
              .setNumHeads(2)
              .setDff(12)
              .setVocabSize(20)
              .setADff(4)
              .setNumReslayerA(1)
              .setNumDenseA(1)
              .setMaxSeqLen(8)
              .setPrecision(Precision.FLOAT64)
              .build(),
          "test");
  private static final long[][] BATCH = {{3, 5, 7, 9, 11}, {4, 6, 8, 10, 12}, {13, 2, 5, 7, 0}};

  private static TrainingGraph graph(ModelConfig config, Optional<DagCoefficients> dag) {
    return new TrainingGraph(
        Specs.of(config),
        new TrainingGraph.Clip.None(),
        new AdamW.Settings(0.9, 0.95, 1e-5, 0.1),
        1,
        dag);
  }

  /** A validation-style evaluation and the unclipped gradient norm of one batch. */
  private record Measured(
      TrainingSession.EvalResult eval, double gradientNorm, Map<String, HostTensor> params) {}

  /**
   * Evaluates BATCH with {@code params} (null: seeded initial values); a gradient norm too if
   * asked.
   */
  private static Measured measure(
      ModelConfig config,
      Optional<DagCoefficients> dag,
      Map<String, HostTensor> params,
      boolean gradient) {
    try (TrainingSession s = new TrainingSession(graph(config, dag))) {
      s.load(params == null ? s.graph().model().initialValues(4) : params, null);
      Map<String, HostTensor> loaded = s.parameters();
      TrainingSession.EvalResult e = s.evaluate(BATCH);
      double norm = gradient ? s.step(new long[][][] {BATCH}, 0).gradientNorm() : Double.NaN;
      return new Measured(e, norm, loaded);
    }
  }

  @Test
  void theLossGainsExactlyTheWeightedTermsOfCoefficientsAboveZero() {
    ModelConfig c = CONFIG.toBuilder().setNumLayers(1).build();
    Measured plain = measure(c, Optional.empty(), null, true);
    Measured some = measure(c, Optional.of(new DagCoefficients(0.1, 0, 0.3)), plain.params(), true);
    Measured none = measure(c, Optional.of(new DagCoefficients(0, 0, 0)), plain.params(), true);

    assertThat(plain.eval().dag()).isEmpty();
    assertThat(some.eval().dag()).containsOnlyKeys("A", "P", "G");
    double a = some.eval().dag().get("A");
    double g = some.eval().dag().get("G");
    assertThat(a).isPositive();
    assertThat(some.eval().dag().get("P")).isPositive();
    assertThat(g).isPositive();
    // the cross-entropy itself is untouched; the loss gains c·dag for each c > 0 (not P here)
    assertThat(some.eval().loss()).isEqualTo(plain.eval().loss());
    assertThat(some.eval().objective() - plain.eval().loss())
        .isCloseTo(0.1 * a + 0.3 * g, within(1e-12));
    assertThat(Math.abs(some.gradientNorm() - plain.gradientNorm())).isGreaterThan(1e-6);
    // with every coefficient 0 the terms are measured, but loss and gradients are the plain ones
    assertThat(none.eval().dag()).isEqualTo(some.eval().dag());
    assertThat(none.eval().objective()).isEqualTo(plain.eval().loss());
    assertThat(none.gradientNorm()).isEqualTo(plain.gradientNorm());
  }

  @Test
  void theTermsAreTheDagOfEveryLayersALmPotentialAndGLm() {
    Measured measured = measure(CONFIG, Optional.of(new DagCoefficients(1, 1, 1)), null, false);
    Map<String, Double> terms = measured.eval().dag();
    Map<String, HostTensor> params = measured.params();
    long[][] inputs = new long[BATCH.length][];
    for (int i = 0; i < BATCH.length; i++) {
      inputs[i] = java.util.Arrays.copyOf(BATCH[i], BATCH[i].length - 1);
    }
    int d = 4;
    double a = 0;
    double p = 0;
    double g = 0;
    int matrices = 0;
    try (PldrModel model =
        Guice.createInjector(PldrInjectors.builtIn())
            .getInstance(ModelFactory.class)
            .create(CONFIG, 1)) {
      model.loadParameters(params);
      List<LayerOutputs> layers = model.forward(inputs).layers();
      for (int layer = 0; layer < layers.size(); layer++) {
        double[] aLm = layers.get(layer).aLm().toDoubleArray();
        double[] gLm = layers.get(layer).gLm().toDoubleArray();
        double[] pw =
            params
                .get("decoder.dec_layers." + layer + ".mha1.plgatt_layer.pwlst")
                .toDoubleArray(); // [H, d, d], the same for every row of the batch
        for (int m = 0; m < aLm.length / (d * d); m++) {
          double[] x = java.util.Arrays.copyOfRange(aLm, m * d * d, (m + 1) * d * d);
          double[] potential = new double[d * d];
          for (int i = 0; i < potential.length; i++) {
            potential[i] = Math.pow(x[i], pw[(m % 2) * d * d + i]);
          }
          a += DagPenaltyTest.seriesDag(d, x);
          p += DagPenaltyTest.seriesDag(d, potential);
          g +=
              DagPenaltyTest.seriesDag(
                  d, java.util.Arrays.copyOfRange(gLm, m * d * d, (m + 1) * d * d));
          matrices++;
        }
      }
    }
    assertThat(matrices).isEqualTo(2 * BATCH.length * 2);
    assertThat(terms.get("A")).isCloseTo(a / matrices, within(1e-12));
    assertThat(terms.get("P")).isCloseTo(p / matrices, within(1e-12));
    assertThat(terms.get("G")).isCloseTo(g / matrices, within(1e-12));
  }

  @Test
  void aCoefficientOnThePotentialOfAnOperatorWithoutOneFailsNamingTheField() {
    ModelConfig identity =
        ModelConfigs.validate(
            CONFIG.toBuilder()
                .setTensorOperator(
                    io.pldr.api.config.TensorOperatorSpec.newBuilder().setName("identity"))
                .build(),
            "test");
    assertThatThrownBy(() -> graph(identity, Optional.of(new DagCoefficients(0, 0.1, 0))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dag.c_p")
        .hasMessageContaining("'identity' has no potential tensor A_P")
        .hasMessageContaining("expected c_p = 0");
    // without a coefficient on it, A_P is simply not measured
    TrainingGraph g = graph(identity, Optional.of(new DagCoefficients(0.1, 0, 0.1)));
    try {
      assertThat(g.dagTerms()).containsOnlyKeys("A", "G");
    } finally {
      g.model().close();
    }
  }
}
