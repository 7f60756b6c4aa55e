package io.pldr.tf.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory, Java heap and native together, from {@code /proc/self/status}: now
 * ({@code VmRSS}) and at its peak ({@code VmHWM}).
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Peak resident bytes, or -1 where /proc is not available. */
  public static long peakBytes() {
    return field("VmHWM:");
  }

  /** Resident bytes now, or -1 where /proc is not available. */
  public static long residentBytes() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith(name)) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
