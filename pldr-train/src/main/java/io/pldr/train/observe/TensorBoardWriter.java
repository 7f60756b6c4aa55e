package io.pldr.train.observe;

import io.pldr.tf.runtime.SessionConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Writes scalar summaries to TensorBoard event files ({@code events.out.tfevents.*}) in a log
 * folder with TensorFlow's own summary ops. The writer has its own small graph and session, built
 * once: each scalar is one session run feeding step, tag and value. TensorFlow stores scalars as
 * {@code simple_value} (float32). Tags with a slash group in TensorBoard, e.g. {@code train/loss}
 * and {@code validation/loss}. Thread-safe.
 */
public final class TensorBoardWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TensorBoardWriter.class);

  /** Events queued before TensorFlow writes them out. */
  public static final int DEFAULT_MAX_QUEUE = 10;

  /** Longest time an event waits in the queue. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(10);

  private final Path logDir;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat64> value;
  private final Placeholder<TString> event;
  private final Op writeScalar;
  private final Op importEvent;
  private final Op flushOp;
  private final Op closeOp;
  private boolean closed;

  /** A writer with the default queue and flush interval. */
  public static TensorBoardWriter open(Path logDir) {
    return new TensorBoardWriter(logDir, DEFAULT_MAX_QUEUE, DEFAULT_FLUSH_INTERVAL);
  }

  /**
   * Opens a new event file in {@code logDir} (created if missing). Events are written when {@code
   * maxQueue} are pending, every {@code flushInterval}, on {@link #flush} and on close.
   */
  public TensorBoardWriter(Path logDir, int maxQueue, Duration flushInterval) {
    this.logDir = logDir.toAbsolutePath();
    try {
      Files.createDirectories(this.logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create TensorBoard folder " + this.logDir, e);
    }
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      SummaryWriter writer =
          tf.summary.summaryWriter(
              SummaryWriter.sharedName("pldr_tensorboard_" + UUID.randomUUID()));
      Op init =
          tf.summary.createSummaryFileWriter(
              writer,
              tf.constant(this.logDir.toString()),
              tf.constant(maxQueue),
              tf.constant(Math.toIntExact(flushInterval.toMillis())),
              tf.constant(".v2"));
      this.step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      this.tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      this.value = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.scalar()));
      this.event = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      this.writeScalar = tf.summary.writeScalarSummary(writer, step, tag, value);
      this.importEvent = tf.summary.importEvent(writer, event);
      this.flushOp = tf.summary.flushSummaryWriter(writer);
      this.closeOp = tf.summary.closeSummaryWriter(writer);
      this.session = new Session(graph, SessionConfigs.standard());
      try {
        session.runner().addTarget(init).run().close();
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
      LOG.debug("TensorBoard events go to {}", this.logDir);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** The folder the event file is in. */
  public Path logDir() {
    return logDir;
  }

  /** Writes one scalar. */
  public synchronized void scalar(String tag, long step, double value) {
    Objects.requireNonNull(tag, "tag");
    ensureOpen();
    try (TInt64 s = TInt64.scalarOf(step);
        TString t = TString.scalarOf(tag);
        TFloat64 v = TFloat64.scalarOf(value)) {
      session
          .runner()
          .feed(this.step, s)
          .feed(this.tag, t)
          .feed(this.value, v)
          .addTarget(writeScalar)
          .run()
          .close();
    }
  }

  /** Writes several scalars of one step, in the map's order. */
  public synchronized void scalars(long step, Map<String, ? extends Number> values) {
    values.forEach((t, v) -> scalar(t, step, v.doubleValue()));
  }

  /**
   * Marks a restart at {@code step}: a {@code SessionLog.START} event, which tells TensorBoard's
   * event loader to drop events of earlier files with a step at or after it. When resuming from the
   * checkpoint of step {@code c}, call {@code sessionStart(c + 1)} before writing, so the abandoned
   * end of the old curves disappears.
   */
  public synchronized void sessionStart(long step) {
    ensureOpen();
    Event start =
        Event.newBuilder()
            .setWallTime(System.currentTimeMillis() / 1000.0)
            .setStep(step)
            .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START))
            .build();
    try (TString e = TString.tensorOfBytes(NdArrays.scalarOfObject(start.toByteArray()))) {
      session.runner().feed(event, e).addTarget(importEvent).run().close();
    }
  }

  /** Writes pending events to the file. */
  public synchronized void flush() {
    ensureOpen();
    session.runner().addTarget(flushOp).run().close();
  }

  /** Flushes, closes the event file and releases the graph and session. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.runner().addTarget(closeOp).run().close();
    } finally {
      session.close();
      graph.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("TensorBoard writer for " + logDir + " is closed");
    }
  }
}
