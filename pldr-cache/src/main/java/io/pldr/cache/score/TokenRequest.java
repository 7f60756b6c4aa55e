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
