package io.pldr.eval.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The shared metrics against hand-computed values. */
class MetricsTest {
  private static final double EXACT = 1e-12;

  @Test
  void accuracyWeighsCountsAndGivesTheHarnessStandardError() {
    Accuracy a = new Accuracy("acc");
    assertThat(a.result()).isNaN();
    a.update(Accuracy.Count.of(true));
    a.update(Accuracy.Count.of(false));
    a.update(Accuracy.Count.of(true));
    a.update(new Accuracy.Count(0.5, 1));
    assertThat(a.result()).isCloseTo(2.5 / 4, within(EXACT));
    // shares 1, 0, 1, 0.5: mean 0.625, sample variance 0.22917, / 4, square root
    assertThat(a.standardError())
        .isCloseTo(Math.sqrt((0.140625 * 2 + 0.390625 + 0.015625) / 3 / 4), within(EXACT));
    Accuracy batches = new Accuracy("accuracy");
    batches.update(new Accuracy.Count(30, 40));
    batches.update(new Accuracy.Count(5, 10));
    assertThat(batches.result()).isCloseTo(35.0 / 50, within(EXACT));
    batches.reset();
    assertThat(batches.result()).isNaN();
    assertThatThrownBy(() -> new Accuracy.Count(3, 2)).hasMessageContaining("3.0 of 2");
  }

  @Test
  void perplexityIsExpOfTheMeanNegativeLogLikelihoodPerCountedUnit() {
    Perplexity tokens = new Perplexity("perplexity");
    tokens.update(Perplexity.LogLikelihood.ofMeanLoss(2.0, 100));
    tokens.update(Perplexity.LogLikelihood.ofMeanLoss(3.0, 300));
    assertThat(tokens.meanNegativeLogLikelihood()).isCloseTo(2.75, within(EXACT));
    assertThat(tokens.result()).isCloseTo(Math.exp(2.75), within(1e-9));
    Perplexity documents = new Perplexity("perplexity");
    documents.update(Perplexity.LogLikelihood.ofDocument(-1.0));
    documents.update(Perplexity.LogLikelihood.ofDocument(-5.0));
    assertThat(documents.result()).isCloseTo(Math.exp(3.0), within(1e-9));
  }

  @Test
  void rmseAndLargestDifference() {
    Rmse r = new Rmse("rmse");
    r.update(new double[] {1, 2, 3}, new double[] {1, 4, 2});
    assertThat(r.result()).isCloseTo(Math.sqrt(5.0 / 3), within(EXACT));
    assertThat(r.maxAbsDifference()).isEqualTo(2.0);
  }

  @Test
  void logDeterminantOfKnownMatrices() {
    // det [[2, 1], [1, 3]] = 5; det [[0, 2], [3, 1]] = −6 (a row swap); a singular matrix.
    HostTensor m =
        HostTensor.of(DType.FLOAT64, Shape.of(2, 2, 2), new double[] {2, 1, 1, 3, 0, 2, 3, 1});
    LogDeterminant d = new LogDeterminant("log_det");
    d.update(m);
    assertThat(d.result()).isCloseTo((Math.log(5) + Math.log(6)) / 2, within(EXACT));
    assertThat(d.negativeShare()).isEqualTo(0.5);
    assertThat(LogDeterminant.of(new double[] {1, 2, 2, 4}, 0, 2))
        .isEqualTo(new LogDeterminant.Signed(0, Double.NEGATIVE_INFINITY));
    // [[1, 2, 3], [0, 1, 4], [5, 6, 0]] has det 1.
    assertThat(LogDeterminant.of(new double[] {1, 2, 3, 0, 1, 4, 5, 6, 0}, 0, 3).logAbs())
        .isCloseTo(0, within(1e-12));
    // Far beyond a double's range as a value, finite as a log: 400 × 400 diagonal of 1e3.
    double[] big = new double[400 * 400];
    for (int i = 0; i < 400; i++) {
      big[i * 401] = -1e3;
    }
    LogDeterminant.Signed s = LogDeterminant.of(big, 0, 400);
    assertThat(s.logAbs()).isCloseTo(400 * Math.log(1e3), within(1e-9));
    assertThat(s.sign()).isEqualTo(1);
  }
}
