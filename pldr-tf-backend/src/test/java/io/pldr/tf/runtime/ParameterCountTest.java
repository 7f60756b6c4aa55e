package io.pldr.tf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.MemoryEstimate;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.tf.inject.PldrInjectors;
import org.junit.jupiter.api.Test;

/** The size checks' parameter count is the graph's, for each kind of operator. */
class ParameterCountTest {
  private static long graphCount(ModelConfig c) {
    return ModelGraph.parameterSpecs(PldrInjectors.spec(c)).values().stream()
        .mapToLong(p -> p.shape().size())
        .sum();
  }

  @Test
  void theLearnedOperatorsModelHasExactlyTheEstimatedParameters() {
    ModelConfig c =
        ModelConfigs.validate(
            ModelConfig.newBuilder()
                .setNumLayers(2)
                .setDModel(48)
                .setNumHeads(3)
                .setDff(100)
                .setVocabSize(300)
                .setADff(20)
                .setNumReslayerA(2)
                .setNumDenseA(3)
                .setMaxSeqLen(32)
                .build(),
            "test");
    assertThat(MemoryEstimate.inference(c).parameters()).isEqualTo(graphCount(c));
  }

  @Test
  void theIdentityOperatorsModelHasAtMostTheEstimatedParameters() {
    ModelConfig c =
        ModelConfigs.validate(
            ModelConfig.newBuilder()
                .setNumLayers(2)
                .setDModel(48)
                .setNumHeads(3)
                .setDff(100)
                .setVocabSize(300)
                .setMaxSeqLen(32)
                .setTensorOperator(TensorOperatorSpec.newBuilder().setName("identity"))
                .build(),
            "test");
    long graph = graphCount(c);
    assertThat(graph).isPositive().isLessThanOrEqualTo(MemoryEstimate.inference(c).parameters());
  }
}
