package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogProgressReporterTest {
  private final AtomicLong nanos = new AtomicLong();
  private final List<String> lines = new ArrayList<>();

  @Test
  void logsFirstEveryNthAndLastStepWithEta() {
    LogProgressReporter progress = new LogProgressReporter(10, lines::add, nanos::get);
    progress.start(30, 0);
    for (int step = 1; step <= 25; step++) {
      // 5 s of warm-up on the first step, then 2 s per step.
      nanos.set(step == 1 ? 5_000_000_000L : 5_000_000_000L + (step - 1) * 2_000_000_000L);
      progress.step(StepStats.of(step, 4.0 - step * 0.1, 1e-3, 1000 + step));
      if (step == 15) {
        progress.message("validation loss 2.5000");
      }
    }
    progress.close();
    progress.step(StepStats.of(26, 1, 1, 1)); // ignored after close
    assertThat(lines)
        .containsExactly(
            "training 30 steps",
            "step 1/30 loss 3.9000 lr 1.00e-03 tok/s 1001 eta 2m25s",
            "step 10/30 loss 3.0000 lr 1.00e-03 tok/s 1010 eta 40s",
            "validation loss 2.5000",
            "step 20/30 loss 2.0000 lr 1.00e-03 tok/s 1020 eta 20s",
            "step 25/30 loss 1.5000 lr 1.00e-03 tok/s 1025 eta 10s");
  }

  @Test
  void resumingSaysWhereAndLogsTheFinalStep() {
    LogProgressReporter progress = new LogProgressReporter(100, lines::add, nanos::get);
    progress.start(40, 35);
    for (int step = 36; step <= 40; step++) {
      nanos.addAndGet(1_000_000_000L);
      progress.step(StepStats.of(step, 1.0, 2e-4, 50));
    }
    progress.close();
    assertThat(lines)
        .containsExactly(
            "resuming at step 35/40",
            "step 36/40 loss 1.0000 lr 2.00e-04 tok/s 50.0 eta 4s",
            "step 40/40 loss 1.0000 lr 2.00e-04 tok/s 50.0 eta 0s");
  }

  @Test
  void rejectsNonPositiveInterval() {
    assertThatThrownBy(() -> new LogProgressReporter(0, lines::add))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
