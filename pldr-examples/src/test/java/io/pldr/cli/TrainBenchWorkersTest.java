package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench train --workers 2} trains two loopback workers and prints consistent figures. */
class TrainBenchWorkersTest {
  private static String textOf(String out, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  private static double number(String out, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void twoWorkersPrintStepExchangeAndTokens() {
    CliRun r =
        CliRun.of(
            "bench",
            "train",
            "--workers",
            "2",
            "--layers",
            "1",
            "--heads",
            "2",
            "--depth",
            "8",
            "--vocab",
            "64",
            "--a-dff",
            "8",
            "--res-units",
            "1",
            "--dense",
            "1",
            "--batch",
            "2",
            "--seq",
            "8",
            "--warmup",
            "1",
            "--steps",
            "2");
    assertThat(r.status()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out).contains("workers: 2 in this process on loopback ports");
    double params = Double.parseDouble(textOf(out, "parameters: ([\\d,]+)").replace(",", ""));
    double step = number(out, "step time: ([\\d.]+) ms");
    double megabytes = number(out, "; ([\\d.]+) MB sent and received per worker");
    double perWorker = number(out, "tokens/s per worker: (\\d+)");
    double total = number(out, "\\ntokens/s: (\\d+)");
    assertThat(step).isPositive();
    // a ring all-reduce of float32 gradients: 2·(W−1)/W × 4 bytes per parameter
    assertThat(megabytes).isCloseTo(4 * params / 1e6, org.assertj.core.data.Offset.offset(0.006));
    assertThat(perWorker)
        .isCloseTo(2 * 8 / (step / 1e3), org.assertj.core.data.Percentage.withPercentage(2));
    assertThat(total).isCloseTo(2 * perWorker, org.assertj.core.data.Offset.offset(1.0));
  }
}
