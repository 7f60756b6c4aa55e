package io.pldr.cache.serve;

import java.time.Duration;

/**
 * Decodes completion requests submitted from any thread with one shared model. Requests wait in a
 * bounded queue and then decode; an engine that batches lets a waiting request join the running
 * batch at the next step. Thread-safe.
 */
public interface CompletionEngine extends AutoCloseable {
  /** A submitted request. */
  interface Handle {
    /**
     * Stops the request: a waiting one never starts, a running one leaves its batch at the next
     * step; its listener then receives {@link CompletionListener#onComplete} with the stop reason
     * {@code CANCELLED}. Idempotent.
     */
    void cancel();
  }

  /**
   * Queues {@code request}; {@code listener} receives its tokens and its end.
   *
   * @throws QueueFullException when the queue is full
   * @throws IllegalStateException after {@link #shutdown}
   */
  Handle submit(CompletionRequest request, CompletionListener listener);

  /** Requests waiting to start. */
  int queued();

  /** Sequences decoding now (the running batch's size). */
  int running();

  /**
   * Takes no more requests, lets running and queued ones finish for at most {@code grace}, then
   * cancels what is left; returns when every listener has been told.
   */
  void shutdown(Duration grace) throws InterruptedException;

  /** {@link #shutdown} with no grace. */
  @Override
  void close() throws InterruptedException;
}
