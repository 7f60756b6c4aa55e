package io.pldr.cache.serve;

/**
 * Receives one request's tokens as they are chosen, then its end. Called from the engine's decoding
 * thread: keep it short (hand the data to another thread or a non-blocking writer). Exactly one of
 * {@link #onComplete} and {@link #onError} ends every submitted request, a cancelled one included.
 */
public interface CompletionListener {
  /** A token was chosen. */
  void onToken(GeneratedToken token);

  /** The sequence ended (end of text, stop string, its token budget, the context, cancelled). */
  void onComplete(Completion completion);

  /** Decoding failed. */
  void onError(Throwable error);
}
