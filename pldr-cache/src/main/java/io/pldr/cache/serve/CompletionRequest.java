package io.pldr.cache.serve;

import io.pldr.api.cache.CacheMode;
import io.pldr.cache.generate.SamplingConfig;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One sequence to complete: the prompt's token ids (encoded as the reference does, {@code
 * Generator.promptIds}), how to choose tokens (stop strings included), the cache mode, and whether
 * to compute log-probabilities: absent, none are (a log-softmax over the vocabulary per token is
 * not free: about a tenth of a millisecond for 4,096 tokens); present, each chosen token's and
 * those of that many most likely tokens.
 *
 * @param promptIds the prompt, at least one id, at most the model's context
 * @param sampling temperature, top-k, top-p, seed, new tokens at most, stop strings
 * @param mode the cache mode of the steps after the prompt pass
 * @param logprobs absent: no log-probabilities; k (0 to 20): the chosen token's and the k most
 *     likely tokens' log-probabilities per step
 */
public record CompletionRequest(
    long[] promptIds, SamplingConfig sampling, CacheMode mode, OptionalInt logprobs) {
  /** The most likely tokens a request may ask log-probabilities of, as OpenAI's API allows. */
  public static final int MAX_TOP_LOGPROBS = 20;

  public CompletionRequest {
    Objects.requireNonNull(promptIds, "promptIds");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(logprobs, "logprobs");
    if (promptIds.length == 0) {
      throw new IllegalArgumentException("a prompt needs at least one token");
    }
    if (logprobs.isPresent()
        && (logprobs.getAsInt() < 0 || logprobs.getAsInt() > MAX_TOP_LOGPROBS)) {
      throw new IllegalArgumentException(
          "logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], found " + logprobs.getAsInt());
    }
    promptIds = promptIds.clone();
  }

  /** A request without log-probabilities. */
  public CompletionRequest(long[] promptIds, SamplingConfig sampling, CacheMode mode) {
    this(promptIds, sampling, mode, OptionalInt.empty());
  }

  /** How many most likely tokens' log-probabilities each step reports (0 without logprobs). */
  public int topLogprobs() {
    return logprobs.orElse(0);
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
        && logprobs.equals(r.logprobs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(promptIds), sampling, mode, logprobs);
  }

  @Override
  public String toString() {
    return "CompletionRequest[" + promptIds.length + " prompt ids, " + sampling + ", " + mode + "]";
  }
}
