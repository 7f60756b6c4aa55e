package io.pldr.cache.generate;

/** A finished generation: the new text, how many tokens it took, and why it stopped. */
public record Generation(String prompt, String text, int newTokens, StopReason stopReason) {
  /** Why a generation ended. */
  public enum StopReason {
    /** The model wrote the end-of-text token. */
    END_OF_TEXT,
    /** The text reached one of the stop strings (which is cut off). */
    STOP_STRING,
    /** The maximum number of new tokens was generated. */
    MAX_TOKENS,
    /** The sequence filled the model's context (max_seq_len). */
    CONTEXT_LIMIT,
    /** The request was cancelled (its client left, or the server shut down). */
    CANCELLED
  }
}
