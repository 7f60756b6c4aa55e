package io.pldr.train.observe;

import java.io.Console;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Picks the progress display for where the process runs: a {@link TerminalProgressReporter} when a
 * console is attached, {@code CI} is not set and {@code TERM} is not {@code dumb}; otherwise a
 * {@link LogProgressReporter} every {@code logEvery} steps.
 */
public final class ProgressReporters {
  private ProgressReporters() {}

  /** The reporter for this process's console and environment. */
  public static ProgressReporter forEnvironment(String taskName, int logEvery) {
    return interactive(consoleIsTerminal(), System.getenv())
        ? new TerminalProgressReporter(taskName)
        : new LogProgressReporter(logEvery);
  }

  /**
   * Whether a console is attached. From JDK 22 on {@code System.console()} is not null even when
   * output is redirected, so {@code Console.isTerminal()} is asked where it exists.
   */
  static boolean consoleIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (NoSuchMethodException e) {
      return true; // JDK 17 to 21: a console means a terminal.
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Whether a progress bar suits a process with this console state and environment. */
  public static boolean interactive(boolean consoleAttached, Map<String, String> environment) {
    return consoleAttached
        && !environment.containsKey("CI")
        && !"dumb".equals(environment.get("TERM"));
  }

  /** A reporter that shows nothing (tests, embedded use). */
  public static ProgressReporter none() {
    return new ProgressReporter() {
      @Override
      public void start(long totalSteps, long startStep) {}

      @Override
      public void step(StepStats stats) {}

      @Override
      public void message(String text) {}

      @Override
      public void close() {}
    };
  }
}
