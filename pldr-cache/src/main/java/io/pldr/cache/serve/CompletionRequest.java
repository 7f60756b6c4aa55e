package io.pldr.cache.serve;

import io.pldr.api.cache.CacheMode;
import io.pldr.cache.generate.SamplingConfig;
import java.util.Arrays;
import java.util.Objects;

/**
 * One sequence to complete: the prompt's token ids (encoded as the reference does, {@code
 * Generator.promptIds}), how to choose tokens (stop strings included), the cache mode, and how many
 * of the most likely tokens' log-probabilities to report with each chosen token (0: none).
 *
 * @param promptIds the prompt, at least one id, at most the model's context
 * @param sampling temperature, top-k, top-p, seed, new tokens at most, stop strings
 * @param mode the cache mode of the steps after the prompt pass
 * @param topLogprobs log-probabilities of this many most likely tokens per step (0 to 20)
 */
public record CompletionRequest(
    long[] promptIds, SamplingConfig sampling, CacheMode mode, int topLogprobs) {
  public CompletionRequest {
    Objects.requireNonNull(promptIds, "promptIds");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(mode, "mode");
    if (promptIds.length == 0) {
      throw new IllegalArgumentException("a prompt needs at least one token");
    }
    if (topLogprobs < 0 || topLogprobs > 20) {
      throw new IllegalArgumentException("logprobs must be in [0, 20], found " + topLogprobs);
    }
    promptIds = promptIds.clone();
  }

  @Override
  public long[] promptIds() {
    return promptIds.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompletionRequest r
        && Arrays.equals(promptIds, r.promptIds)
        && sampling.equals(r.sampling)
        && mode == r.mode
        && topLogprobs == r.topLogprobs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(promptIds), sampling, mode, topLogprobs);
  }

  @Override
  public String toString() {
    return "CompletionRequest[" + promptIds.length + " prompt ids, " + sampling + ", " + mode + "]";
  }
}
