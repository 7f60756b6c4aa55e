package io.pldr.train.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory (VmHWM of /proc/self/status: Java heap and native). */
public final class PeakMemory {
  private PeakMemory() {}

  /** Peak resident bytes, or -1 where /proc is not available. */
  public static long bytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
