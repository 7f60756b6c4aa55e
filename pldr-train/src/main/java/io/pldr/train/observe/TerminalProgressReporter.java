package io.pldr.train.observe;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress as a redrawn terminal bar (me.tongfei progressbar): step/total, percentage, elapsed time
 * and an ETA from the measured step rate, then loss, learning rate and tokens/s, e.g. {@code train
 * 12% │██▌ │ 120/1000 (0:00:23 / 0:02:51) loss 3.2104 lr 8.00e-04 tok/s 5230}. Messages are printed
 * on their own line above the bar. Use only when a console is attached.
 */
public final class TerminalProgressReporter implements ProgressReporter {
  private final String taskName;
  private final MessageAwareConsumer consumer;
  private final EtaEstimator eta;
  private final int updateMillis;
  private ProgressBar bar;
  private boolean closed;

  /** A bar on standard error, as wide as the terminal, redrawn twice a second. */
  public TerminalProgressReporter(String taskName) {
    this(taskName, System.err, 0, 500, System::nanoTime);
  }

  /**
   * A bar on {@code out}; {@code width} characters wide ({@code <= 0}: the terminal's width),
   * redrawn every {@code updateMillis}.
   */
  public TerminalProgressReporter(String taskName, PrintStream out, int width, int updateMillis) {
    this(taskName, out, width, updateMillis, System::nanoTime);
  }

  TerminalProgressReporter(
      String taskName, PrintStream out, int width, int updateMillis, LongSupplier nanoClock) {
    this.taskName = Objects.requireNonNull(taskName, "taskName");
    this.consumer = new MessageAwareConsumer(out, width);
    this.eta = new EtaEstimator(nanoClock);
    this.updateMillis = updateMillis;
  }

  @Override
  public synchronized void start(long totalSteps, long startStep) {
    if (closed) {
      return;
    }
    if (bar != null) {
      bar.close();
    }
    eta.start(totalSteps, startStep);
    bar =
        new ProgressBarBuilder()
            .setTaskName(taskName)
            .setInitialMax(totalSteps)
            .startsFrom(startStep, Duration.ZERO)
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
            .setUpdateIntervalMillis(updateMillis)
            .setEtaFunction(state -> eta.eta())
            .setConsumer(consumer)
            .build();
  }

  @Override
  public synchronized void step(StepStats stats) {
    if (closed || bar == null) {
      return;
    }
    eta.record(stats.step());
    bar.setExtraMessage(" " + ProgressFormat.metrics(stats));
    bar.stepTo(stats.step());
  }

  @Override
  public synchronized void message(String text) {
    if (!closed) {
      consumer.message(text);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (bar != null) {
      bar.close();
    }
  }

  /** Draws the bar with a carriage return and prints messages on a line of their own above it. */
  private static final class MessageAwareConsumer implements ProgressBarConsumer {
    private final PrintStream out;
    private final ConsoleProgressBarConsumer delegate;
    private String lastBar;

    MessageAwareConsumer(PrintStream out, int width) {
      this.out = out;
      this.delegate =
          width > 0
              ? new ConsoleProgressBarConsumer(out, width)
              : new ConsoleProgressBarConsumer(out);
    }

    @Override
    public int getMaxRenderedLength() {
      return delegate.getMaxRenderedLength();
    }

    @Override
    public synchronized void accept(String rendered) {
      lastBar = rendered;
      delegate.accept(rendered);
    }

    synchronized void message(String text) {
      // Overwrite the bar with the message, end the line, and draw the bar again below it.
      int pad = Math.max(0, getMaxRenderedLength() - text.length());
      out.print("\r" + text + " ".repeat(pad) + System.lineSeparator());
      if (lastBar != null) {
        delegate.accept(lastBar);
      }
      out.flush();
    }

    @Override
    public synchronized void close() {
      delegate.close();
      lastBar = null;
    }
  }
}
