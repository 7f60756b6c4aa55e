package io.pldr.cache.score;

import java.util.Arrays;

/**
 * A continuation to score, in token ids: what is fed before its first token is predicted ({@code
 * prompt}, at least one token) and the continuation's tokens (at least one); together at most
 * {@code max_seq_len + 1} tokens, the last of which is never fed.
 */
public final class TokenRequest {
  private final long[] prompt;
  private final long[] continuation;

  public TokenRequest(long[] prompt, long[] continuation) {
    if (prompt.length == 0 || continuation.length == 0) {
      throw new IllegalArgumentException(
          "a request needs a prompt and a continuation of at least one token each, found "
              + prompt.length
              + " and "
              + continuation.length);
    }
    this.prompt = prompt.clone();
    this.continuation = continuation.clone();
  }

  /**
   * The request for a context and a continuation as lm-evaluation-harness truncates it for a causal
   * model: of context + continuation the last {@code maxSeqLen + 1} tokens are kept, so a long
   * context loses tokens from the left while every continuation token is still scored (the last one
   * is never fed). A continuation of more than {@code maxSeqLen} tokens fails (the harness asserts
   * it fits); so does an empty context or continuation.
   */
  public static TokenRequest truncated(long[] context, long[] continuation, int maxSeqLen) {
    if (continuation.length > maxSeqLen) {
      throw new IllegalArgumentException(
          "the continuation is "
              + continuation.length
              + " tokens, longer than the model's context of "
              + maxSeqLen);
    }
    if (context.length == 0) {
      return new TokenRequest(context, continuation); // refused by the constructor
    }
    long[] all = Arrays.copyOf(context, context.length + continuation.length);
    System.arraycopy(continuation, 0, all, context.length, continuation.length);
    int from = Math.max(0, all.length - (maxSeqLen + 1));
    return new TokenRequest(
        Arrays.copyOfRange(all, from, all.length - continuation.length), continuation);
  }

  /** The prompt's ids. */
  public long[] prompt() {
    return prompt.clone();
  }

  /** The continuation's ids. */
  public long[] continuation() {
    return continuation.clone();
  }

  /** What one uncached pass reads: the prompt and every continuation token but the last. */
  public long[] input() {
    long[] in = Arrays.copyOf(prompt, prompt.length + continuation.length - 1);
    System.arraycopy(continuation, 0, in, prompt.length, continuation.length - 1);
    return in;
  }

  long[] promptIds() {
    return prompt;
  }

  long[] continuationIds() {
    return continuation;
  }
}
