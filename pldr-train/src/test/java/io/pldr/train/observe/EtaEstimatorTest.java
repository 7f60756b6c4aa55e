package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EtaEstimatorTest {
  private final AtomicLong nanos = new AtomicLong();

  private void at(double seconds) {
    nanos.set(Math.round(seconds * 1e9));
  }

  @Test
  void excludesTheWarmUpStepOnceASecondStepIsSeen() {
    EtaEstimator eta = new EtaEstimator(nanos::get);
    at(0);
    eta.start(100, 0);
    assertThat(eta.eta()).isEmpty();
    at(10); // the first step includes 10 s of warm-up
    eta.record(1);
    assertThat(eta.eta()).contains(Duration.ofSeconds(990));
    at(11);
    eta.record(2);
    at(13);
    eta.record(4);
    // 3 steps in 3 s after the warm-up step: 1 s per step, 96 left.
    assertThat(eta.secondsPerStep()).hasValueSatisfying(s -> assertThat(s).isEqualTo(1.0));
    assertThat(eta.eta()).contains(Duration.ofSeconds(96));
  }

  @Test
  void resumedRunsCountFromTheirStartStep() {
    EtaEstimator eta = new EtaEstimator(nanos::get);
    at(100);
    eta.start(1000, 600);
    at(104);
    eta.record(602); // two steps with warm-up: 2 s per step
    assertThat(eta.eta()).contains(Duration.ofSeconds(796));
    at(105);
    eta.record(604); // 0.5 s per step since then
    assertThat(eta.eta()).contains(Duration.ofSeconds(198));
    eta.record(1000);
    assertThat(eta.eta()).contains(Duration.ZERO);
  }
}
