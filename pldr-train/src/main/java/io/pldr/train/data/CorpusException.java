package io.pldr.train.data;

/**
 * A corpus that cannot be used: a missing or unreadable file, a malformed JSON line (the message
 * names the file and line), an unknown embedded corpus, or too few tokens for one training and one
 * validation sequence.
 */
public class CorpusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with its message. */
  public CorpusException(String message) {
    super(message);
  }

  /** An error with its message and cause. */
  public CorpusException(String message, Throwable cause) {
    super(message, cause);
  }
}
