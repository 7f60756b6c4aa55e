package io.pldr.train.observe;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress as plain log lines, for runs without a terminal (CI, {@code nohup}, a scheduler): one
 * line every {@code logEvery} steps, on the first step after a start, and on the last step, such as
 * {@code step 120/1000 loss 3.2104 lr 8.00e-04 tok/s 5230 eta 2m51s}. A step not shown yet is shown
 * at {@link #close}, so the log always ends with the last state.
 */
public final class LogProgressReporter implements ProgressReporter {
  private static final Logger LOG = LoggerFactory.getLogger(LogProgressReporter.class);

  private final int logEvery;
  private final Consumer<String> lines;
  private final EtaEstimator eta;
  private long totalSteps;
  private StepStats lastStats;
  private boolean lastShown = true;
  private boolean closed;

  /** Writes lines to this class's SLF4J logger at INFO. */
  public LogProgressReporter(int logEvery) {
    this(logEvery, LOG::info);
  }

  /** Writes lines to {@code lines}. */
  public LogProgressReporter(int logEvery, Consumer<String> lines) {
    this(logEvery, lines, System::nanoTime);
  }

  LogProgressReporter(int logEvery, Consumer<String> lines, LongSupplier nanoClock) {
    if (logEvery < 1) {
      throw new IllegalArgumentException("logEvery must be >= 1, got " + logEvery);
    }
    this.logEvery = logEvery;
    this.lines = Objects.requireNonNull(lines, "lines");
    this.eta = new EtaEstimator(nanoClock);
  }

  @Override
  public void start(long totalSteps, long startStep) {
    if (closed) {
      return;
    }
    this.totalSteps = totalSteps;
    this.lastStats = null;
    this.lastShown = true;
    eta.start(totalSteps, startStep);
    lines.accept(
        startStep == 0
            ? "training " + totalSteps + " steps"
            : "resuming at step " + startStep + "/" + totalSteps);
  }

  @Override
  public void step(StepStats stats) {
    if (closed) {
      return;
    }
    eta.record(stats.step());
    boolean first = lastStats == null;
    lastStats = stats;
    lastShown = false;
    if (first || stats.step() % logEvery == 0 || stats.step() >= totalSteps) {
      show();
    }
  }

  @Override
  public void message(String text) {
    if (!closed) {
      lines.accept(text);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (!lastShown) {
      show();
    }
    closed = true;
  }

  private void show() {
    lines.accept(ProgressFormat.line(lastStats, totalSteps, eta.eta()));
    lastShown = true;
  }
}
