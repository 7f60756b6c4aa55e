package io.pldr.api.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory a configuration may use on this machine: its physical memory (the container's limit
 * where there is one), which TensorFlow's native tensors and the Java heap share, and the most the
 * Java heap may grow to, which holds parameters while they are read or written.
 */
public record MachineMemory(long physicalBytes, long maxHeapBytes) {
  public MachineMemory {
    if (physicalBytes <= 0 || maxHeapBytes <= 0) {
      throw new IllegalArgumentException(
          "memory sizes must be positive, found " + physicalBytes + " and " + maxHeapBytes);
    }
  }

  /** This machine's: {@code getTotalMemorySize()} (else /proc/meminfo) and the heap's maximum. */
  public static MachineMemory current() {
    long heap = Runtime.getRuntime().maxMemory();
    long physical = physical();
    return new MachineMemory(physical > 0 ? physical : Math.max(heap, 1), Math.max(heap, 1));
  }

  private static long physical() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long total = os.getTotalMemorySize();
      if (total > 0) {
        return total;
      }
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown: the heap's maximum stands in for it
    }
    return 0;
  }
}
