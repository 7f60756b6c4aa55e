package io.pldr.train.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's theoretical float32 peak, estimated from /proc/cpuinfo: cores × clock × FLOPs per
 * cycle per core (64 with AVX-512, 32 with AVX2 and FMA, 16 otherwise). An estimate: some cores run
 * 512-bit instructions at half rate, and turbo clocks are not reported.
 */
public record CpuPeak(String model, int cores, double ghz, int flopsPerCycle) {
  /** Reads /proc/cpuinfo; unknown parts fall back to conservative values. */
  public static CpuPeak detect() {
    String model = "unknown CPU";
    double mhz = 0;
    String flags = "";
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String l : lines) {
        String value = l.contains(":") ? l.substring(l.indexOf(':') + 1).trim() : "";
        if (l.startsWith("model name") && model.equals("unknown CPU")) {
          model = value;
        } else if (l.startsWith("cpu MHz") && mhz == 0) {
          mhz = Double.parseDouble(value);
        } else if (l.startsWith("flags") && flags.isEmpty()) {
          flags = " " + value + " ";
        }
      }
    } catch (IOException | NumberFormatException e) {
      // keep the fallbacks
    }
    int perCycle =
        flags.contains(" avx512f ")
            ? 64
            : flags.contains(" avx2 ") && flags.contains(" fma ") ? 32 : 16;
    return new CpuPeak(model, Runtime.getRuntime().availableProcessors(), mhz / 1000, perCycle);
  }

  /** Peak FLOP/s. */
  public double flops() {
    return cores * ghz * 1e9 * flopsPerCycle;
  }
}
