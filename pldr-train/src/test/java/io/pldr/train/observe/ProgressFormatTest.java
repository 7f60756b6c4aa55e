package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressFormatTest {

  @Test
  void lineHasStepLossRateThroughputAndEta() {
    StepStats stats = StepStats.of(120, 3.21042, 8e-4, 5230.4);
    assertThat(ProgressFormat.line(stats, 1000, Optional.of(Duration.ofSeconds(171))))
        .isEqualTo("step 120/1000 loss 3.2104 lr 8.00e-04 tok/s 5230 eta 2m51s");
  }

  @Test
  void lineShowsAccuracyAndGradNormWhenPresentAndUnknownEta() {
    StepStats stats =
        StepStats.of(7, 9.87654, 1.25e-5, 42.46).withAccuracy(0.12345).withGradNorm(1.5);
    assertThat(ProgressFormat.line(stats, 10, Optional.empty()))
        .isEqualTo("step 7/10 loss 9.8765 lr 1.25e-05 tok/s 42.5 acc 0.1235 gnorm 1.500 eta ?");
  }

  @Test
  void dagLineNamesEachTermAndTheLossTheyWereAddedTo() {
    Map<String, Double> terms = new LinkedHashMap<>();
    terms.put("A", 0.0123451);
    terms.put("P", 0.34);
    terms.put("G", Double.POSITIVE_INFINITY);
    assertThat(ProgressFormat.dag(5.43214, terms))
        .isEqualTo("dag A 1.2345e-02 P 3.4000e-01 G inf, objective 5.4321");
  }

  @Test
  void nonFiniteValuesAreReadable() {
    StepStats stats = StepStats.of(3, Double.NaN, 1e-3, Double.POSITIVE_INFINITY);
    assertThat(ProgressFormat.metrics(stats)).isEqualTo("loss nan lr 1.00e-03 tok/s inf");
  }

  @Test
  void durationsShowTheTwoLargestUnits() {
    assertThat(ProgressFormat.duration(Duration.ZERO)).isEqualTo("0s");
    assertThat(ProgressFormat.duration(Duration.ofMillis(59_400))).isEqualTo("59s");
    assertThat(ProgressFormat.duration(Duration.ofMillis(59_600))).isEqualTo("1m00s");
    assertThat(ProgressFormat.duration(Duration.ofSeconds(171))).isEqualTo("2m51s");
    assertThat(ProgressFormat.duration(Duration.ofSeconds(3600 + 2 * 60 + 59))).isEqualTo("1h02m");
    assertThat(ProgressFormat.duration(Duration.ofSeconds(3 * 86400 + 4 * 3600 + 5)))
        .isEqualTo("3d04h");
    assertThat(ProgressFormat.duration(Duration.ofSeconds(-5))).isEqualTo("0s");
  }

  @Test
  void ratesAndLearningRates() {
    assertThat(ProgressFormat.rate(5229.6)).isEqualTo("5230");
    assertThat(ProgressFormat.rate(100)).isEqualTo("100");
    assertThat(ProgressFormat.rate(99.94)).isEqualTo("99.9");
    assertThat(ProgressFormat.rate(0)).isEqualTo("0.0");
    assertThat(ProgressFormat.learningRate(3e-4)).isEqualTo("3.00e-04");
    assertThat(ProgressFormat.learningRate(0)).isEqualTo("0.00e+00");
    assertThat(ProgressFormat.learningRate(1.2345)).isEqualTo("1.23e+00");
  }
}
