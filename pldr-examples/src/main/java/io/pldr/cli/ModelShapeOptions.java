package io.pldr.cli;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;
import picocli.CommandLine.Option;

/** A model's shape on the command line, for benchmarks (the small configuration by default). */
final class ModelShapeOptions {
  @Option(
      names = "--layers",
      paramLabel = "N",
      defaultValue = "4",
      description = "Decoder layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--heads",
      paramLabel = "N",
      defaultValue = "4",
      description = "Attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(
      names = "--depth",
      paramLabel = "N",
      defaultValue = "32",
      description = "Head depth d; d_model = heads × depth (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--dff",
      paramLabel = "N",
      description = "Feed-forward width (default: ⌊d_model·8/3⌋).")
  Integer dff;

  @Option(
      names = "--a-dff",
      paramLabel = "N",
      defaultValue = "32",
      description = "Metric-learner GLU width (default: ${DEFAULT-VALUE}).")
  int aDff;

  @Option(
      names = "--res-units",
      paramLabel = "N",
      defaultValue = "2",
      description = "Residual units of the metric learner (default: ${DEFAULT-VALUE}).")
  int resUnits;

  @Option(
      names = "--dense",
      paramLabel = "N",
      defaultValue = "2",
      description = "GLU layers per residual unit (default: ${DEFAULT-VALUE}).")
  int dense;

  @Option(
      names = "--vocab",
      paramLabel = "N",
      defaultValue = "4096",
      description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(
      names = "--operator",
      paramLabel = "NAME",
      defaultValue = "learned",
      description = "Tensor operator: learned or identity (default: ${DEFAULT-VALUE}).")
  String operator;

  /** The configuration, with max_seq_len at least {@code seq}. */
  ModelConfig config(int seq) {
    int dModel = dModel();
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(layers)
            .setDModel(dModel)
            .setNumHeads(heads)
            .setDff(dff != null ? dff : defaultDff(dModel))
            .setVocabSize(vocab)
            .setADff(aDff)
            .setNumReslayerA(resUnits)
            .setNumDenseA(dense)
            .setMaxSeqLen(Math.max(seq, 16))
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName(operator))
            .build(),
        "command line");
  }

  /** One line describing the shape. */
  String describe() {
    int dModel = dModel();
    return String.format(
        "%d layers, %d heads, depth %d (d_model %d), dff %d, A_dff %d, "
            + "%d residual units × %d dense, vocabulary %d, operator %s",
        layers,
        heads,
        depth,
        dModel,
        dff != null ? dff : defaultDff(dModel),
        aDff,
        resUnits,
        dense,
        vocab,
        operator);
  }

  /** d_model = heads × depth, refused when it does not fit an int rather than overflowing. */
  private int dModel() {
    long product = (long) heads * depth;
    if (product <= 0 || product > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "--heads "
              + heads
              + " × --depth "
              + depth
              + " = "
              + product
              + ": d_model must be a positive integer below 2^31");
    }
    return (int) product;
  }

  /** ⌊d_model·8/3⌋ without overflow. */
  private static int defaultDff(int dModel) {
    return (int) ((long) dModel * 8 / 3);
  }
}
