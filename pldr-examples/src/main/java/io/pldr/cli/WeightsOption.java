package io.pldr.cli;

import io.pldr.api.model.WeightFormat;
import picocli.CommandLine.Option;

/** {@code --weights FORMAT} of the commands that run a model: how its matrices are stored. */
final class WeightsOption {
  @Option(
      names = "--weights",
      paramLabel = "FORMAT",
      defaultValue = "float32",
      description =
          "How the model's matrices are stored for inference: float32, bfloat16, or int8 with one"
              + " scale per output channel (default: ${DEFAULT-VALUE}). Layer norms and biases"
              + " stay float32.")
  String weights;

  /** The format named; fails listing the accepted names. */
  WeightFormat format() {
    return parse(weights);
  }

  /**
   * The formats of a comma-separated list (for benchmarks that compare them), each once; fails
   * listing the accepted names.
   */
  java.util.List<WeightFormat> formats() {
    java.util.List<WeightFormat> out = new java.util.ArrayList<>();
    for (String id : weights.split(",", -1)) {
      out.add(parse(id));
    }
    OptionChecks.distinct("--weights", out.stream().map(WeightFormat::id).toList());
    return out;
  }

  private static WeightFormat parse(String id) {
    try {
      return WeightFormat.fromId(id.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--weights: " + e.getMessage(), e);
    }
  }
}
