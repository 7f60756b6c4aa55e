package io.pldr.api.tensor;

import static io.pldr.api.tensor.NaiveTensorMath.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The plain-Java reference of {@link TensorOpsContract} on examples worked by hand, so that it
 * cannot agree with a backend by sharing its mistake.
 */
class NaiveTensorMathTest {
  private static final double EXACT = 1e-15;

  private static HostTensor t(Shape shape, double... values) {
    return tensor(shape, values);
  }

  private static void assertValues(HostTensor actual, Shape shape, double... expected) {
    assertThat(actual.shape()).isEqualTo(shape);
    assertThat(actual.toDoubleArray()).containsExactly(expected, within(EXACT));
  }

  @Test
  void broadcastShapesAlignAtTheLastAxis() {
    assertThat(NaiveTensorMath.broadcastShape(Shape.of(2, 1, 4), Shape.of(3, 1)))
        .isEqualTo(Shape.of(2, 3, 4));
    assertThat(NaiveTensorMath.broadcastShape(Shape.of(), Shape.of(2, 3)))
        .isEqualTo(Shape.of(2, 3));
    assertThatThrownBy(() -> NaiveTensorMath.broadcastShape(Shape.of(2, 3), Shape.of(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zipStretchesDimensionsOfSizeOne() {
    HostTensor column = t(Shape.of(2, 1), 1, 2);
    HostTensor row = t(Shape.of(3), 10, 20, 30);
    assertValues(
        NaiveTensorMath.zip(column, row, Double::sum), Shape.of(2, 3), 11, 21, 31, 12, 22, 32);
    assertValues(
        NaiveTensorMath.zip(row, column, (a, b) -> a - b), Shape.of(2, 3), 9, 19, 29, 8, 18, 28);
  }

  @Test
  void matmulOfTwoByTwoMatrices() {
    HostTensor a = t(Shape.of(2, 2), 1, 2, 3, 4);
    HostTensor b = t(Shape.of(2, 2), 5, 6, 7, 8);
    assertValues(NaiveTensorMath.matmul(a, b, false, false), Shape.of(2, 2), 19, 22, 43, 50);
    // aᵀ·b = [[1, 3], [2, 4]]·b, a·bᵀ = a·[[5, 7], [6, 8]]
    assertValues(NaiveTensorMath.matmul(a, b, true, false), Shape.of(2, 2), 26, 30, 38, 44);
    assertValues(NaiveTensorMath.matmul(a, b, false, true), Shape.of(2, 2), 17, 23, 39, 53);
    assertValues(NaiveTensorMath.matmul(a, b, true, true), Shape.of(2, 2), 23, 31, 34, 46);
  }

  @Test
  void matmulBroadcastsBatchesOfAMatrix() {
    HostTensor a = t(Shape.of(1, 2), 1, 2);
    HostTensor b = t(Shape.of(2, 2, 1), 3, 4, 5, 6);
    assertValues(NaiveTensorMath.matmul(a, b, false, false), Shape.of(2, 1, 1), 11, 17);
  }

  @Test
  void linearMultipliesByTheTransposedWeight() {
    HostTensor x = t(Shape.of(1, 2), 1, 2);
    HostTensor weight = t(Shape.of(3, 2), 1, 0, 0, 1, 1, 1);
    HostTensor bias = t(Shape.of(3), 0.5, 0, -1);
    assertValues(NaiveTensorMath.linear(x, weight, bias), Shape.of(1, 3), 1.5, 2, 2);
  }

  @Test
  void softmaxOfTwoLogits() {
    assertValues(
        NaiveTensorMath.softmax(t(Shape.of(1, 2), 0, Math.log(3))), Shape.of(1, 2), 0.25, 0.75);
  }

  @Test
  void layerNormDividesByTheBiasedStandardDeviation() {
    // mean 2, biased variance 1: (x − 2) / 1 · gamma + beta
    HostTensor x = t(Shape.of(1, 2), 1, 3);
    HostTensor gamma = t(Shape.of(2), 2, 3);
    HostTensor beta = t(Shape.of(2), 0, 1);
    assertValues(NaiveTensorMath.layerNorm(x, gamma, beta, 0), Shape.of(1, 2), -2, 4);
    assertValues(
        NaiveTensorMath.layerNorm(x, gamma, beta, 3), Shape.of(1, 2), -1, 2.5); // sqrt(1 + 3) = 2
  }

  @Test
  void sumOverEachAxis() {
    HostTensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    assertValues(NaiveTensorMath.sum(x, 0, false), Shape.of(3), 5, 7, 9);
    assertValues(NaiveTensorMath.sum(x, 1, true), Shape.of(2, 1), 6, 15);
  }

  @Test
  void transposeMovesAxes() {
    HostTensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    assertValues(NaiveTensorMath.transpose(x, 1, 0), Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
    HostTensor y = t(Shape.of(1, 2, 3), 1, 2, 3, 4, 5, 6);
    assertValues(NaiveTensorMath.transpose(y, 2, 0, 1), Shape.of(3, 1, 2), 1, 4, 2, 5, 3, 6);
  }

  @Test
  void concatJoinsAlongAnAxis() {
    HostTensor a = t(Shape.of(2, 1), 1, 2);
    HostTensor b = t(Shape.of(2, 2), 3, 4, 5, 6);
    assertValues(NaiveTensorMath.concat(1, a, b), Shape.of(2, 3), 1, 3, 4, 2, 5, 6);
    assertValues(
        NaiveTensorMath.concat(0, b, t(Shape.of(1, 2), 7, 8)), Shape.of(3, 2), 3, 4, 5, 6, 7, 8);
  }
}
