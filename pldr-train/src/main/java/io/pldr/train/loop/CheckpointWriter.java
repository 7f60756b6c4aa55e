package io.pldr.train.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes checkpoints on a thread of its own while training goes on, one at a time. The training
 * thread takes the snapshot (host copies of the weights and the optimiser state, read between two
 * steps) and hands its write over; the next hand-over waits for the write in flight, so at most one
 * snapshot is held besides the session's own state. A write that fails is thrown on the training
 * thread at its next call, and the run stops as it did when writes were synchronous.
 */
final class CheckpointWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

  /** A checkpoint write: the folder it wrote. */
  @FunctionalInterface
  interface Write {
    Path run() throws IOException;
  }

  /** A finished write: the step it saved and its folder. */
  record Written(long step, Path folder) {}

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "pldr-checkpoint-writer");
            t.setDaemon(true);
            return t;
          });
  private Future<Path> pending;
  private long pendingStep;

  /**
   * Waits for the write in flight (if any), then starts {@code write} of step {@code step}; returns
   * the write that finished while waiting.
   */
  Optional<Written> submit(long step, Write write) throws IOException {
    Optional<Written> done = await();
    pending =
        thread.submit(
            () -> {
              try {
                return write.run();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    pendingStep = step;
    return done;
  }

  /** The write in flight if it has finished, without waiting; its failure is thrown here. */
  Optional<Written> poll() throws IOException {
    return pending != null && pending.isDone() ? await() : Optional.empty();
  }

  /** Waits for the write in flight, if any, and returns it; its failure is thrown here. */
  Optional<Written> await() throws IOException {
    if (pending == null) {
      return Optional.empty();
    }
    Future<Path> f = pending;
    pending = null;
    try {
      return Optional.of(new Written(pendingStep, f.get()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the checkpoint of step " + pendingStep, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException("the checkpoint of step " + pendingStep + " failed", cause);
    }
  }

  /**
   * Lets the write in flight finish (a run that stops on an error still leaves its last snapshot
   * whole), then ends the thread. A failure here is logged: the run is already ending.
   */
  @Override
  public void close() {
    try {
      await().ifPresent(w -> LOG.info("checkpoint {} written while the run ended", w.folder()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("the checkpoint being written when the run ended failed", e);
    } finally {
      thread.shutdown();
    }
  }
}
