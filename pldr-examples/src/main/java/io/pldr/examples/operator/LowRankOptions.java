package io.pldr.examples.operator;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import java.util.Map;

/**
 * The {@code low_rank} operator's settings, read from {@code tensor_operator.options}: {@code
 * rank}, the rank r of G_LM − I, an integer from 1 to the head depth d.
 */
public record LowRankOptions(int rank) {
  /** The option holding r. */
  public static final String RANK = "rank";

  private static final String FIELD = "tensor_operator.options";

  /** Reads and checks the options of a model configuration. */
  public static LowRankOptions of(ModelConfig config) {
    String name = config.getTensorOperator().getName();
    Map<String, String> options = config.getTensorOperator().getOptionsMap();
    for (String key : options.keySet()) {
      if (!key.equals(RANK)) {
        throw error(name, "unknown option '" + key + "'; it accepts: " + RANK);
      }
    }
    String value = options.get(RANK);
    int depth = config.getDModel() / config.getNumHeads();
    String accepted = "an integer from 1 to the head depth d=" + depth;
    if (value == null) {
      throw error(name, "needs the option '" + RANK + "': " + accepted);
    }
    int rank = parseOrZero(value);
    if (rank < 1 || rank > depth) {
      throw error(name, "option '" + RANK + "' must be " + accepted + ", found '" + value + "'");
    }
    return new LowRankOptions(rank);
  }

  private static int parseOrZero(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static ConfigException error(String operator, String message) {
    return new ConfigException("model config", FIELD, "operator '" + operator + "' " + message);
  }
}
