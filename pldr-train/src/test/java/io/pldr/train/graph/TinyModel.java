package io.pldr.train.graph;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;

/**
 * The tiny model of the training-graph tests: d_model 16, 2 heads, feed-forward 24, vocabulary 20,
 * a metric learner of 2 residual units of 2 GLUs of width 6, 8 positions.
 */
public final class TinyModel {
  private TinyModel() {}

  /** The tiny model with {@code layers} layers in {@code precision}, validated. */
  public static ModelConfig config(int layers, Precision precision) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(layers)
            .setDModel(16)
            .setNumHeads(2)
            .setDff(24)
            .setVocabSize(20)
            .setADff(6)
            .setNumReslayerA(2)
            .setNumDenseA(2)
            .setMaxSeqLen(8)
            .setPrecision(precision)
            .build(),
        "test");
  }
}
