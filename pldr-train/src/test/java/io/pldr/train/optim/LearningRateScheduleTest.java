package io.pldr.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void warmsUpLinearlyThenDecaysByCosineToAlphaTimesPeak() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 100, 1100, 0.1);
    assertThat(s.at(0)).isZero();
    assertThat(s.at(50)).isCloseTo(5e-4, within(1e-15));
    assertThat(s.at(100)).isCloseTo(1e-3, within(1e-15));
    // halfway through the decay: (1 - 0.1) * 0.5 * (1 + cos(pi/2)) + 0.1 = 0.55
    assertThat(s.at(600)).isCloseTo(0.55e-3, within(1e-15));
    assertThat(s.at(1100)).isCloseTo(1e-4, within(1e-15));
    assertThat(s.at(5000)).isCloseTo(1e-4, within(1e-15));
  }
}
