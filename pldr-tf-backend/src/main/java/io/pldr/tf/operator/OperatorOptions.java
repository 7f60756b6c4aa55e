package io.pldr.tf.operator;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A configuration's {@code tensor_operator.options}, read by one operator: typed values with
 * defaults. A key the operator does not accept, or a value of the wrong kind, fails naming the
 * option and what is accepted.
 */
final class OperatorOptions {
  static final String SOURCE = "model config";
  private static final String FIELD = "tensor_operator.options";

  private final String operator;
  private final Map<String, String> values;

  /** The options of {@code config}'s operator, which accepts only the keys {@code accepted}. */
  OperatorOptions(ModelConfig config, List<String> accepted) {
    this.operator = config.getTensorOperator().getName();
    this.values = config.getTensorOperator().getOptionsMap();
    for (String key : values.keySet()) {
      if (!accepted.contains(key)) {
        throw new ConfigException(
            SOURCE,
            FIELD,
            "operator '"
                + operator
                + "' has no option '"
                + key
                + "'; accepted options: "
                + String.join(", ", accepted));
      }
    }
  }

  /** The operator's name, for messages. */
  String operator() {
    return operator;
  }

  /** A string option, if set. */
  Optional<String> string(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
  }

  /** An integer option, or {@code fallback}. */
  long integer(String key, long fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, v, "an integer");
    }
  }

  /** A finite number option, or {@code fallback}. */
  double number(String key, double fallback) {
    return number(key, fallback, Double.NEGATIVE_INFINITY, "a finite number");
  }

  /** A finite number option ≥ 0, or {@code fallback}. */
  double nonNegative(String key, double fallback) {
    return number(key, fallback, 0, "a finite number ≥ 0");
  }

  private double number(String key, double fallback, double min, String expected) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    double x;
    try {
      x = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, v, expected);
    }
    if (!Double.isFinite(x) || x < min) {
      throw invalid(key, v, expected);
    }
    return x;
  }

  /** A failure naming the option {@code key}. */
  ConfigException failure(String key, String message) {
    return new ConfigException(
        SOURCE, FIELD, "operator '" + operator + "', option '" + key + "': " + message);
  }

  private ConfigException invalid(String key, String value, String expected) {
    return failure(key, "expected " + expected + ", found '" + value + "'");
  }
}
