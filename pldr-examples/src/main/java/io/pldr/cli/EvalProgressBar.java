package io.pldr.cli;

import io.pldr.eval.run.EvalProgress;
import io.pldr.train.observe.ProgressFormat;
import io.pldr.train.observe.ProgressReporters;
import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Evaluation progress: a redrawn bar per task and setting on a terminal (me.tongfei progressbar,
 * documents done, rate, ETA), or one line when a stage ends where there is no terminal (CI, a log
 * file).
 */
final class EvalProgressBar implements EvalProgress, AutoCloseable {
  private final PrintStream out;
  private final boolean terminal;
  private ProgressBar bar;
  private String label;
  private long total;
  private long started;

  private EvalProgressBar(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** A bar on standard error when a terminal is attached, log lines otherwise. */
  static EvalProgressBar forEnvironment() {
    return new EvalProgressBar(
        System.err, ProgressReporters.interactive(System.console() != null, System.getenv()));
  }

  @Override
  public void start(String label, long total) {
    this.label = label;
    this.total = total;
    this.started = System.nanoTime();
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(label)
              .setInitialMax(total)
              .setUnit(" docs", 1)
              .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .showSpeed()
              .build();
    }
  }

  @Override
  public void advance(long done) {
    if (bar != null) {
      bar.stepBy(done);
    }
  }

  @Override
  public void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    } else {
      out.println(
          "eval "
              + label
              + ": "
              + total
              + (total == 1 ? " document" : " documents")
              + " in "
              + ProgressFormat.duration(Duration.ofNanos(System.nanoTime() - started)));
      out.flush();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
