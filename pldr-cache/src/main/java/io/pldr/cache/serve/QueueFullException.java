package io.pldr.cache.serve;

/** The engine's queue holds as many waiting requests as it may: try again later. */
public final class QueueFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For a queue of {@code capacity} waiting requests. */
  public QueueFullException(int capacity) {
    super("the queue is full (" + capacity + " requests waiting)");
  }
}
