package io.pldr.cache.generate;

import java.util.List;

/**
 * How tokens are chosen: greedy when {@code temperature} is 0, else sampled from the
 * temperature-scaled distribution cut to the {@code topP} nucleus and the {@code topK} most likely
 * tokens (either or both; 0 and 1.0 switch them off), with a seeded generator. Generation stops at
 * end-of-text, at a stop string, or after {@code maxNewTokens}.
 */
public record SamplingConfig(
    double temperature,
    int topK,
    double topP,
    long seed,
    int maxNewTokens,
    List<String> stopStrings) {
  public SamplingConfig {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be 0 (greedy) or positive, found " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top-k must be 0 (off) or positive, found " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1], found " + topP);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max new tokens must be positive, found " + maxNewTokens);
    }
    stopStrings = List.copyOf(stopStrings);
  }

  /** Greedy decoding of up to {@code maxNewTokens}. */
  public static SamplingConfig greedy(int maxNewTokens) {
    return new SamplingConfig(0, 0, 1.0, 0, maxNewTokens, List.of());
  }
}
