package io.pldr.tf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.testing.NaiveSdpaTransformer;
import org.junit.jupiter.api.Test;

/** The whole identity-operator (SDPA) model against an independent loop implementation. */
class IdentityOperatorModelTest {
  @Test
  void identityOperatorModelEqualsAStraightforwardSdpaTransformer() {
    ModelConfig config =
        ModelConfig.newBuilder()
            .setNumLayers(2)
            .setDModel(24)
            .setNumHeads(3)
            .setDff(40)
            .setVocabSize(50)
            .setMaxSeqLen(16)
            .setPrecision(Precision.FLOAT64)
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("identity"))
            .build();
    long[] tokens = {4, 17, 33, 2, 49, 8, 11};
    try (PldrModel model =
        Guice.createInjector(PldrInjectors.builtIn())
            .getInstance(ModelFactory.class)
            .create(config, 99)) {
      HostTensor logits = model.forward(new long[][] {tokens}).logits();
      double[][] expected =
          new NaiveSdpaTransformer(model.config(), model.parameters()).logits(tokens);
      double max = 0;
      double scale = 0;
      for (int i = 0; i < tokens.length; i++) {
        for (int v = 0; v < 50; v++) {
          max = Math.max(max, Math.abs(logits.get(i * 50 + v) - expected[i][v]));
          scale = Math.max(scale, Math.abs(expected[i][v]));
        }
      }
      System.out.printf(
          "identity model vs loop SDPA transformer: max |Δ logits| %.2e"
              + " (largest logit %.2f)%n",
          max, scale);
      assertThat(scale).isGreaterThan(0.1);
      // Not 1e-12: the model computes rotary angles in float32, as the reference does.
      assertThat(max).isLessThanOrEqualTo(1e-7);
    }
  }
}
