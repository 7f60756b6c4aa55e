package io.pldr.cli;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** The time from the JVM's start until now: how long a command took to load its model. */
final class LoadTime {
  private LoadTime() {}

  /** Seconds since the JVM started (the RuntimeMXBean's start time). */
  static double seconds() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
  }

  /** {@code load: N s}, N with one decimal. */
  static String line() {
    return String.format(Locale.ROOT, "load: %.1f s", seconds());
  }
}
