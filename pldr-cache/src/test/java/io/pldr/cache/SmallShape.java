package io.pldr.cache;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;

/**
 * {@code bench decode}'s default (small) model for tests and benchmarks: 4 layers, 4 heads of depth
 * 32, feed-forward 341, vocabulary 4096, the learned operator with 2 residual units of 2 dense
 * layers of width 32.
 */
public final class SmallShape {
  private SmallShape() {}

  /** The small model's configuration with a context of {@code maxSeqLen}, validated. */
  public static ModelConfig config(int maxSeqLen) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(4)
            .setDModel(128)
            .setNumHeads(4)
            .setDff(128 * 8 / 3)
            .setVocabSize(4096)
            .setADff(32)
            .setNumReslayerA(2)
            .setNumDenseA(2)
            .setMaxSeqLen(maxSeqLen)
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("learned"))
            .build(),
        "small");
  }
}
