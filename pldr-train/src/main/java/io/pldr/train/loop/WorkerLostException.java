package io.pldr.train.loop;

/**
 * A data-parallel run stopped because a collective with the other workers failed: the message names
 * the workers that no longer answer and how to continue.
 */
public final class WorkerLostException extends RuntimeException {
  public WorkerLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
