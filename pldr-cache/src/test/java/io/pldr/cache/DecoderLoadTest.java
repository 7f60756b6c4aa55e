package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.runtime.TfPldrModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A decoder (an inference graph with packed parameters) loads in the same number of session runs
 * whatever its size, and computes with what it loaded what the training graph computes.
 */
class DecoderLoadTest {
  private static ModelConfig config(int layers) {
    return config(layers, Precision.FLOAT32);
  }

  private static ModelConfig config(int layers, Precision precision) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(layers)
            .setDModel(16)
            .setNumHeads(2)
            .setDff(24)
            .setVocabSize(30)
            .setADff(6)
            .setNumReslayerA(2)
            .setNumDenseA(2)
            .setMaxSeqLen(12)
            .setPrecision(precision)
            .build(),
        "test");
  }

  private static long loadRuns(int layers) {
    try (CachedDecoder d =
        new CachedDecoder(
            new ModelSpec(
                config(layers), new LearnedPlgaProvider(), new PowerLawGraphAttentionProvider()))) {
      Map<String, HostTensor> values = d.initialValues(2);
      int first = d.load(values);
      assertThat(d.load(values)).isEqualTo(first);
      return first;
    }
  }

  @Test
  void loadingTakesTwoRunsForOneLayerAsForFour() {
    assertThat(loadRuns(1)).isEqualTo(2); // the packed variables' allocation, then the values
    assertThat(loadRuns(4)).isEqualTo(2);
  }

  @Test
  void aLoadedDecoderComputesWhatTheModelWithTheSameValuesComputes() {
    long[][] rows = {{1, 5, 9, 2, 7}};
    try (TfPldrModel model =
            new TfPldrModel(
                new ModelSpec(
                    config(2, Precision.FLOAT64),
                    new LearnedPlgaProvider(),
                    new PowerLawGraphAttentionProvider()),
                4);
        CachedDecoder d =
            new CachedDecoder(
                new ModelSpec(
                    config(2, Precision.FLOAT64),
                    new LearnedPlgaProvider(),
                    new PowerLawGraphAttentionProvider()))) {
      d.load(model.parameters());
      HostTensor expected = model.forward(rows).logits();
      assertThat(d.logits(rows).maxAbsDiff(expected)).isLessThan(1e-9);
    }
  }
}
