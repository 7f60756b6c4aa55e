package io.pldr.api.tensor;

import static io.pldr.api.tensor.NaiveTensorMath.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance suite of {@link TensorOps}, which every backend passes (as Lucene's {@code
 * Base*FormatTestCase} is for codecs). Each operation is checked against {@link NaiveTensorMath},
 * plain-Java loops written from the operation's definition, on seeded random inputs in float64 and
 * float32, together with the static {@link Tensor#shape()} and {@link Tensor#dtype()} of its
 * result: constants, the identity matrix, parameters and their initializers (PyTorch's fan rules,
 * within a statistical tolerance), add/sub/mul/div with NumPy broadcasting, scale, pow, exp,
 * sigmoid, silu, softmax over the last axis at ranks 2 to 4 (and with large logits), matmul with
 * every transpose flag (batched, broadcast, operands of lower rank), linear, layer norm (biased
 * variance, epsilon), sum, reshape, transpose, concat and split. The gradients of the
 * differentiable operations, in each input, are checked in float64 against central differences of
 * the backend's own forward computation.
 *
 * <p>A backend author adds pldr-api's test-jar (with JUnit 5's {@code junit-jupiter} and AssertJ)
 * as a test dependency and extends this class with the backend's {@link TensorOpsHarness}:
 *
 * <pre>{@code
 * class MyTensorOpsContractTest extends TensorOpsContract {
 *   @Override
 *   protected TensorOpsHarness harness(DType floatType) {
 *     return new MyTensorOpsHarness(floatType);
 *   }
 * }
 * }</pre>
 *
 * <p>JUnit then runs every check below. A backend configuration that builds graphs for forward
 * passes only also overrides {@link #differentiable()}; its gradient checks are skipped. Inputs are
 * rounded to the precision under test before the plain-Java computation sees them, so a float32
 * result differs from it only by the backend's own rounding; the tolerances are the constants
 * below.
 */
public abstract class TensorOpsContract {
  /** Largest error of a float64 result, relative to {@code max(1, |expected|)}. */
  protected static final double FLOAT64_TOLERANCE = 1e-12;

  /** Largest error of a float32 result, relative to {@code max(1, |expected|)}. */
  protected static final double FLOAT32_TOLERANCE = 1e-5;

  /** Largest error of a float64 gradient, relative to {@code max(1, |finite difference|)}. */
  protected static final double GRADIENT_TOLERANCE = 1e-6;

  /** The step of the central differences {@code (L(x + h) − L(x − h)) / 2h}. */
  private static final double STEP = 1e-5;

  /** How many standard errors a sample statistic of an initializer's values may be off. */
  private static final double STANDARD_ERRORS = 5;

  private final Random random = new Random(20261130);

  /** A fresh graph's algebra in {@code floatType} (float32 or float64); the test closes it. */
  protected abstract TensorOpsHarness harness(DType floatType);

  /** Whether the harness' graphs are differentiated; gradient checks are skipped when not. */
  protected boolean differentiable() {
    return true;
  }

  /** A test run once in float32 and once in float64. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64"})
  protected @interface InBothPrecisions {}

  // ---------------------------------------------------------------- constants and parameters

  @InBothPrecisions
  void floatTypeIsTheHarnessPrecision(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      assertThat(h.ops().floatType()).isEqualTo(dtype);
    }
  }

  @InBothPrecisions
  void scalarConstantHasRankZero(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      assertComputes(h, h.ops().constant(-2.75), tensor(Shape.of(), new double[] {-2.75}));
    }
  }

  @InBothPrecisions
  void constantHoldsItsValuesInRowMajorOrder(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, 2, 3, 4);
      assertComputes(h, constant(h.ops(), x), x);
    }
  }

  @InBothPrecisions
  void eyeIsTheIdentityMatrix(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      for (int n : new int[] {1, 4}) {
        double[] expected = new double[n * n];
        for (int i = 0; i < n; i++) {
          expected[i * n + i] = 1;
        }
        assertComputes(h, h.ops().eye(n), tensor(Shape.of(n, n), expected));
      }
    }
  }

  @InBothPrecisions
  void parameterHasItsShapeAndTheFloatType(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      Tensor p = h.ops().parameter("layer.w", Shape.of(3, 4, 5), Initializer.xavierNormal());
      assertThat(p.shape()).isEqualTo(Shape.of(3, 4, 5));
      assertThat(p.dtype()).isEqualTo(dtype);
      HostTensor value = h.eval(p);
      assertThat(value.shape()).isEqualTo(Shape.of(3, 4, 5));
      assertThat(value.dtype()).isEqualTo(dtype);
    }
  }

  @Test
  void parameterNameCanBeTakenOnce() {
    try (TensorOpsHarness h = harness(DType.FLOAT32)) {
      h.ops().parameter("layer.w", Shape.of(2), Initializer.zeros());
      assertThatThrownBy(() -> h.ops().parameter("layer.w", Shape.of(2), Initializer.zeros()))
          .isInstanceOf(RuntimeException.class);
    }
  }

  @InBothPrecisions
  void zerosInitializerGivesZeros(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      Tensor p = h.ops().parameter("layer.bias", Shape.of(7, 3), Initializer.zeros());
      assertThat(h.eval(p).toDoubleArray()).containsOnly(0.0);
    }
  }

  @InBothPrecisions
  void onesInitializerGivesOnes(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      Tensor p = h.ops().parameter("layer.gamma", Shape.of(7, 3), Initializer.ones());
      assertThat(h.eval(p).toDoubleArray()).containsOnly(1.0);
    }
  }

  /**
   * Parameter shapes whose PyTorch fans differ from those of their last two axes, with their fans:
   * fan-in is dimension 1, fan-out dimension 0, each times the product of the remaining dimensions.
   */
  static Stream<Arguments> fannedShapesInBothPrecisions() {
    return precisions()
        .flatMap(
            d ->
                Stream.of(
                    arguments(d, Shape.of(64, 48), 48, 64),
                    arguments(d, Shape.of(8, 16, 24), 16 * 24, 8 * 24)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("fannedShapesInBothPrecisions")
  void xavierUniformFillsPyTorchsBound(DType dtype, Shape shape, int fanIn, int fanOut) {
    double bound = Math.sqrt(6.0 / (fanIn + fanOut));
    try (TensorOpsHarness h = harness(dtype)) {
      double[] v =
          h.eval(h.ops().parameter("w", shape, Initializer.xavierUniform())).toDoubleArray();
      double largest = Arrays.stream(v).max().orElseThrow();
      double smallest = Arrays.stream(v).min().orElseThrow();
      assertThat(largest).isLessThanOrEqualTo(bound * (1 + 1e-6)).isGreaterThan(0.99 * bound);
      assertThat(smallest).isGreaterThanOrEqualTo(-bound * (1 + 1e-6)).isLessThan(-0.99 * bound);
      // a uniform distribution on ±bound: standard deviation bound/√3, kurtosis 9/5
      assertMeanAndStd(v, 0, bound / Math.sqrt(3), 1.8);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("fannedShapesInBothPrecisions")
  void xavierNormalHasPyTorchsStandardDeviation(DType dtype, Shape shape, int fanIn, int fanOut) {
    double std = Math.sqrt(2.0 / (fanIn + fanOut));
    try (TensorOpsHarness h = harness(dtype)) {
      double[] v =
          h.eval(h.ops().parameter("w", shape, Initializer.xavierNormal())).toDoubleArray();
      assertMeanAndStd(v, 0, std, 3);
      assertNormalTails(v, 0, std);
    }
  }

  @InBothPrecisions
  void normalInitializerHasItsMeanAndStandardDeviation(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      double[] v =
          h.eval(h.ops().parameter("g", Shape.of(32, 96), new Initializer.Normal(0.5, 0.02)))
              .toDoubleArray();
      assertMeanAndStd(v, 0.5, 0.02, 3);
      assertNormalTails(v, 0.5, 0.02);
    }
  }

  // ---------------------------------------------------------------- element-wise arithmetic

  /** add, sub, mul and div, each with its definition. */
  protected enum Arithmetic {
    ADD,
    SUB,
    MUL,
    DIV;

    Tensor apply(TensorOps ops, Tensor a, Tensor b) {
      return switch (this) {
        case ADD -> ops.add(a, b);
        case SUB -> ops.sub(a, b);
        case MUL -> ops.mul(a, b);
        case DIV -> ops.div(a, b);
      };
    }

    double definition(double a, double b) {
      return switch (this) {
        case ADD -> a + b;
        case SUB -> a - b;
        case MUL -> a * b;
        case DIV -> a / b;
      };
    }
  }

  static Stream<Arguments> arithmeticInBothPrecisions() {
    return Stream.of(Arithmetic.values()).flatMap(op -> precisions().map(d -> arguments(op, d)));
  }

  /** Checks {@code op(a, b)} for operands of the given shapes against its broadcast definition. */
  private void assertArithmetic(
      Arithmetic op, DType dtype, Shape aShape, Shape bShape, Shape expectedShape) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor a = gaussian(dtype, aShape);
      HostTensor b = awayFromZero(dtype, bShape); // a divisor
      HostTensor expected = NaiveTensorMath.zip(a, b, op::definition);
      assertThat(expected.shape()).isEqualTo(expectedShape);
      assertComputes(h, op.apply(h.ops(), constant(h.ops(), a), constant(h.ops(), b)), expected);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("arithmeticInBothPrecisions")
  void arithmeticOnEqualShapesIsElementwise(Arithmetic op, DType dtype) {
    assertArithmetic(op, dtype, Shape.of(2, 3, 4), Shape.of(2, 3, 4), Shape.of(2, 3, 4));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("arithmeticInBothPrecisions")
  void arithmeticBroadcastsOperandsOfLowerRank(Arithmetic op, DType dtype) {
    assertArithmetic(op, dtype, Shape.of(2, 3, 4), Shape.of(4), Shape.of(2, 3, 4));
    assertArithmetic(op, dtype, Shape.of(3, 4), Shape.of(2, 3, 4), Shape.of(2, 3, 4));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("arithmeticInBothPrecisions")
  void arithmeticBroadcastsDimensionsOfSizeOne(Arithmetic op, DType dtype) {
    assertArithmetic(op, dtype, Shape.of(2, 1, 4), Shape.of(3, 1), Shape.of(2, 3, 4));
    assertArithmetic(op, dtype, Shape.of(1, 3, 1), Shape.of(2, 1, 4), Shape.of(2, 3, 4));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("arithmeticInBothPrecisions")
  void arithmeticBroadcastsScalars(Arithmetic op, DType dtype) {
    assertArithmetic(op, dtype, Shape.of(2, 3), Shape.of(), Shape.of(2, 3));
    assertArithmetic(op, dtype, Shape.of(), Shape.of(2, 3), Shape.of(2, 3));
  }

  @InBothPrecisions
  void scaleMultipliesByTheFactor(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, 3, 5);
      assertComputes(
          h, h.ops().scale(constant(h.ops(), x), -2.5), NaiveTensorMath.map(x, v -> v * -2.5));
    }
  }

  @InBothPrecisions
  void powRaisesEachBaseToItsExponent(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor base = uniform(dtype, 0.25, 3, 2, 3, 4);
      HostTensor exponent = uniform(dtype, -2, 2, 2, 3, 4);
      assertComputes(
          h,
          h.ops().pow(constant(h.ops(), base), constant(h.ops(), exponent)),
          NaiveTensorMath.zip(base, exponent, Math::pow));
    }
  }

  @InBothPrecisions
  void powBroadcastsItsOperands(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      TensorOps ops = h.ops();
      HostTensor base = uniform(dtype, 0.25, 3, 2, 3, 4);
      HostTensor exponent = uniform(dtype, -2, 2, 3, 1);
      assertComputes(
          h,
          ops.pow(constant(ops, base), constant(ops, exponent)),
          NaiveTensorMath.zip(base, exponent, Math::pow));
      assertComputes(
          h, ops.pow(constant(ops, base), ops.constant(2)), NaiveTensorMath.map(base, v -> v * v));
    }
  }

  @InBothPrecisions
  void expOfEveryElement(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = uniform(dtype, -4, 4, 2, 3, 4);
      assertComputes(h, h.ops().exp(constant(h.ops(), x)), NaiveTensorMath.map(x, Math::exp));
    }
  }

  @InBothPrecisions
  void sigmoidOfEveryElementIncludingLargeMagnitudes(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      // exp(100) overflows float32: e^x / (1 + e^x) would give NaN
      HostTensor x = values(dtype, Shape.of(2, 4), -100, -12.5, -1, -0.25, 0, 0.75, 9, 100);
      assertComputes(
          h, h.ops().sigmoid(constant(h.ops(), x)), NaiveTensorMath.map(x, v -> sigmoid(v)));
    }
  }

  @InBothPrecisions
  void siluIsXTimesSigmoidOfX(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = uniform(dtype, -6, 6, 2, 3, 4);
      assertComputes(
          h, h.ops().silu(constant(h.ops(), x)), NaiveTensorMath.map(x, v -> v * sigmoid(v)));
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  // ---------------------------------------------------------------- softmax

  static Stream<Arguments> softmaxShapesInBothPrecisions() {
    return precisions()
        .flatMap(
            d ->
                Stream.of(
                    arguments(d, Shape.of(3, 5)),
                    arguments(d, Shape.of(2, 3, 5)),
                    arguments(d, Shape.of(2, 3, 4, 5))));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("softmaxShapesInBothPrecisions")
  void softmaxNormalisesTheLastAxis(DType dtype, Shape shape) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, shape);
      assertComputes(h, h.ops().softmax(constant(h.ops(), x)), NaiveTensorMath.softmax(x));
    }
  }

  @InBothPrecisions
  void softmaxIsStableForLargeLogits(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x =
          values(
              dtype,
              Shape.of(2, 2, 4),
              1000,
              999,
              998.5,
              990, // exp overflows without shifting by the maximum
              -1000,
              -1001,
              -1002.5,
              -1100, // and underflows to 0/0
              800,
              800,
              800,
              800,
              -1e4,
              0,
              3,
              -1e4);
      HostTensor expected = NaiveTensorMath.softmax(x);
      assertComputes(h, h.ops().softmax(constant(h.ops(), x)), expected);
    }
  }

  // ---------------------------------------------------------------- matrix products

  static Stream<Arguments> transposesInBothPrecisions() {
    return precisions()
        .flatMap(
            d ->
                Stream.of(
                    arguments(d, false, false),
                    arguments(d, true, false),
                    arguments(d, false, true),
                    arguments(d, true, true)));
  }

  /**
   * Checks {@code matmul(a, b, transposeA, transposeB)} for operands with the given leading (batch)
   * dimensions; {@code op(a)} is {@code [..., 3, 4]} and {@code op(b)} is {@code [..., 4, 5]}.
   */
  private void assertMatmul(
      TensorOpsHarness h,
      int[] leadA,
      int[] leadB,
      boolean transposeA,
      boolean transposeB,
      Shape expectedShape) {
    DType dtype = h.ops().floatType();
    HostTensor a = gaussian(dtype, matrixShape(leadA, 3, 4, transposeA));
    HostTensor b = gaussian(dtype, matrixShape(leadB, 4, 5, transposeB));
    HostTensor expected = NaiveTensorMath.matmul(a, b, transposeA, transposeB);
    assertThat(expected.shape()).isEqualTo(expectedShape);
    Tensor product =
        transposeA || transposeB
            ? h.ops().matmul(constant(h.ops(), a), constant(h.ops(), b), transposeA, transposeB)
            : h.ops().matmul(constant(h.ops(), a), constant(h.ops(), b));
    assertComputes(h, product, expected);
  }

  /**
   * The shape of a {@code rows × cols} operand stored transposed when asked, after {@code lead}.
   */
  private static Shape matrixShape(int[] lead, int rows, int cols, boolean transposed) {
    long[] dims = new long[lead.length + 2];
    for (int i = 0; i < lead.length; i++) {
      dims[i] = lead[i];
    }
    dims[lead.length] = transposed ? cols : rows;
    dims[lead.length + 1] = transposed ? rows : cols;
    return Shape.of(dims);
  }

  @ParameterizedTest(name = "{0} transposeA={1} transposeB={2}")
  @MethodSource("transposesInBothPrecisions")
  void matmulMultipliesMatrices(DType dtype, boolean transposeA, boolean transposeB) {
    try (TensorOpsHarness h = harness(dtype)) {
      assertMatmul(h, new int[0], new int[0], transposeA, transposeB, Shape.of(3, 5));
    }
  }

  @ParameterizedTest(name = "{0} transposeA={1} transposeB={2}")
  @MethodSource("transposesInBothPrecisions")
  void matmulBatchesOverLeadingDimensions(DType dtype, boolean transposeA, boolean transposeB) {
    try (TensorOpsHarness h = harness(dtype)) {
      assertMatmul(h, new int[] {2}, new int[] {2}, transposeA, transposeB, Shape.of(2, 3, 5));
      assertMatmul(
          h, new int[] {2, 3}, new int[] {2, 3}, transposeA, transposeB, Shape.of(2, 3, 3, 5));
    }
  }

  @ParameterizedTest(name = "{0} transposeA={1} transposeB={2}")
  @MethodSource("transposesInBothPrecisions")
  void matmulBroadcastsLeadingDimensions(DType dtype, boolean transposeA, boolean transposeB) {
    try (TensorOpsHarness h = harness(dtype)) {
      assertMatmul(
          h, new int[] {2, 1}, new int[] {1, 3}, transposeA, transposeB, Shape.of(2, 3, 3, 5));
      assertMatmul(
          h, new int[] {1, 2}, new int[] {2, 2}, transposeA, transposeB, Shape.of(2, 2, 3, 5));
    }
  }

  @ParameterizedTest(name = "{0} transposeA={1} transposeB={2}")
  @MethodSource("transposesInBothPrecisions")
  void matmulBroadcastsOperandsOfLowerRank(DType dtype, boolean transposeA, boolean transposeB) {
    try (TensorOpsHarness h = harness(dtype)) {
      // per-head parameters [H, d, d] against [B, H, d, d], and a matrix shared over a batch
      assertMatmul(
          h, new int[] {3}, new int[] {2, 3}, transposeA, transposeB, Shape.of(2, 3, 3, 5));
      assertMatmul(
          h, new int[] {2, 3}, new int[] {3}, transposeA, transposeB, Shape.of(2, 3, 3, 5));
      assertMatmul(h, new int[0], new int[] {2}, transposeA, transposeB, Shape.of(2, 3, 5));
    }
  }

  // ---------------------------------------------------------------- linear and layer norm

  static Stream<Arguments> ranksTwoAndThreeInBothPrecisions() {
    return precisions().flatMap(d -> Stream.of(arguments(d, 2), arguments(d, 3)));
  }

  @ParameterizedTest(name = "{0} rank {1}")
  @MethodSource("ranksTwoAndThreeInBothPrecisions")
  void linearIsXTimesWeightTransposedPlusBias(DType dtype, int rank) {
    try (TensorOpsHarness h = harness(dtype)) {
      TensorOps ops = h.ops();
      HostTensor x = rank == 2 ? gaussian(dtype, 4, 3) : gaussian(dtype, 2, 4, 3);
      HostTensor weight = gaussian(dtype, 5, 3); // [out, in]
      HostTensor bias = gaussian(dtype, 5);
      assertComputes(
          h,
          ops.linear(constant(ops, x), constant(ops, weight), constant(ops, bias)),
          NaiveTensorMath.linear(x, weight, bias));
    }
  }

  @ParameterizedTest(name = "{0} rank {1}")
  @MethodSource("ranksTwoAndThreeInBothPrecisions")
  void layerNormUsesTheBiasedVarianceOfTheLastAxis(DType dtype, int rank) {
    try (TensorOpsHarness h = harness(dtype)) {
      TensorOps ops = h.ops();
      HostTensor x = rank == 2 ? gaussian(dtype, 3, 5) : gaussian(dtype, 2, 3, 5);
      HostTensor gamma = uniform(dtype, 0.5, 2, 5);
      HostTensor beta = gaussian(dtype, 5);
      assertComputes(
          h,
          ops.layerNorm(constant(ops, x), constant(ops, gamma), constant(ops, beta), 1e-6),
          NaiveTensorMath.layerNorm(x, gamma, beta, 1e-6));
    }
  }

  @InBothPrecisions
  void layerNormAddsEpsilonToTheVariance(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      TensorOps ops = h.ops();
      // rows of variance 0, 0.01 and 1: epsilon = 0.1 dominates the first two
      HostTensor x = values(dtype, Shape.of(3, 4), 2, 2, 2, 2, 0.9, 1.1, 0.9, 1.1, -1, 1, -1, 1);
      HostTensor gamma = values(dtype, Shape.of(4), 1, 2, 3, 4);
      HostTensor beta = values(dtype, Shape.of(4), 0.5, 0, -0.5, 1);
      assertComputes(
          h,
          ops.layerNorm(constant(ops, x), constant(ops, gamma), constant(ops, beta), 0.1),
          NaiveTensorMath.layerNorm(x, gamma, beta, 0.1));
    }
  }

  // ---------------------------------------------------------------- sums and shapes

  static Stream<Arguments> axesInBothPrecisions() {
    return precisions()
        .flatMap(
            d ->
                Stream.of(0, 1, 2)
                    .flatMap(a -> Stream.of(arguments(d, a, true), arguments(d, a, false))));
  }

  @ParameterizedTest(name = "{0} axis {1} keepDims={2}")
  @MethodSource("axesInBothPrecisions")
  void sumReducesOneAxis(DType dtype, int axis, boolean keepDims) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, 2, 3, 4);
      assertComputes(
          h,
          h.ops().sum(constant(h.ops(), x), axis, keepDims),
          NaiveTensorMath.sum(x, axis, keepDims));
    }
  }

  @InBothPrecisions
  void reshapeKeepsRowMajorOrder(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, 2, 3, 4);
      for (long[] dims : new long[][] {{6, 4}, {24}, {4, 1, 3, 2}, {1, 24, 1}}) {
        Shape shape = Shape.of(dims);
        assertComputes(h, h.ops().reshape(constant(h.ops(), x), dims), x.reshape(shape));
      }
    }
  }

  @InBothPrecisions
  void reshapeInfersTheDimensionGivenAsMinusOne(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, 2, 3, 4);
      Tensor c = constant(h.ops(), x);
      assertComputes(h, h.ops().reshape(c, -1), x.reshape(Shape.of(24)));
      assertComputes(h, h.ops().reshape(c, 4, -1), x.reshape(Shape.of(4, 6)));
      assertComputes(h, h.ops().reshape(c, 2, -1, 3), x.reshape(Shape.of(2, 4, 3)));
    }
  }

  static Stream<Arguments> permutationsInBothPrecisions() {
    return precisions()
        .flatMap(
            d ->
                Stream.of(
                        new int[] {1, 0},
                        new int[] {0, 2, 1},
                        new int[] {2, 0, 1},
                        new int[] {1, 2, 0},
                        new int[] {0, 2, 1, 3},
                        new int[] {3, 1, 0, 2})
                    .map(p -> arguments(d, p)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("permutationsInBothPrecisions")
  void transposePermutesAxes(DType dtype, int[] permutation) {
    try (TensorOpsHarness h = harness(dtype)) {
      HostTensor x = gaussian(dtype, Arrays.copyOf(new int[] {2, 3, 4, 5}, permutation.length));
      assertComputes(
          h,
          h.ops().transpose(constant(h.ops(), x), permutation),
          NaiveTensorMath.transpose(x, permutation));
    }
  }

  static Stream<Arguments> concatAxesInBothPrecisions() {
    return precisions().flatMap(d -> Stream.of(0, 1, 2).map(a -> arguments(d, a)));
  }

  @ParameterizedTest(name = "{0} axis {1}")
  @MethodSource("concatAxesInBothPrecisions")
  void concatJoinsTwoPartsAlongAnAxis(DType dtype, int axis) {
    try (TensorOpsHarness h = harness(dtype)) {
      int[] first = {2, 3, 4};
      int[] second = first.clone();
      second[axis] = 1;
      HostTensor a = gaussian(dtype, first);
      HostTensor b = gaussian(dtype, second);
      assertComputes(
          h,
          h.ops().concat(axis, constant(h.ops(), a), constant(h.ops(), b)),
          NaiveTensorMath.concat(axis, a, b));
    }
  }

  @InBothPrecisions
  void concatJoinsSeveralParts(DType dtype) {
    try (TensorOpsHarness h = harness(dtype)) {
      TensorOps ops = h.ops();
      HostTensor a = gaussian(dtype, 2, 2, 3);
      HostTensor b = gaussian(dtype, 2, 2, 1);
      HostTensor c = gaussian(dtype, 2, 2, 2);
      assertComputes(
          h,
          ops.concat(2, constant(ops, a), constant(ops, b), constant(ops, c)),
          NaiveTensorMath.concat(2, a, b, c));
    }
  }

  @ParameterizedTest(name = "{0} axis {1}")
  @MethodSource("concatAxesInBothPrecisions")
  void splitCutsAlongAnAxisAsLongAsEachPart(DType dtype, int axis) {
    try (TensorOpsHarness h = harness(dtype)) {
      TensorOps ops = h.ops();
      int[] first = {2, 3, 4};
      int[] second = first.clone();
      second[axis] = 1;
      int[] third = first.clone();
      third[axis] = 2;
      HostTensor a = gaussian(dtype, first);
      HostTensor b = gaussian(dtype, second);
      HostTensor c = gaussian(dtype, third);
      // the lengths come from other tensors of those shapes, not from the pieces themselves
      java.util.List<Tensor> pieces =
          ops.split(
              constant(ops, NaiveTensorMath.concat(axis, a, b, c)),
              axis,
              constant(ops, gaussian(dtype, first)),
              constant(ops, gaussian(dtype, second)),
              constant(ops, gaussian(dtype, third)));
      assertThat(pieces).hasSize(3);
      assertComputes(h, pieces.get(0), a);
      assertComputes(h, pieces.get(1), b);
      assertComputes(h, pieces.get(2), c);
    }
  }

  // ---------------------------------------------------------------- gradients

  /** A float64 harness for a gradient check; the check is skipped if the backend takes none. */
  private TensorOpsHarness gradientHarness() {
    assumeTrue(differentiable(), "this backend configuration takes no gradients");
    return harness(DType.FLOAT64);
  }

  @Test
  void gradientsReachParameters() {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      Tensor p = ops.parameter("layer.w", Shape.of(2, 3), Initializer.ones());
      HostTensor weights = gaussian(DType.FLOAT64, 2, 3);
      // d/dp Σ w ⊙ exp(p) = w ⊙ exp(p), and p = 1
      HostTensor gradient = h.gradient(weightedSum(ops, ops.exp(p), weights), p);
      assertClose(gradient, NaiveTensorMath.map(weights, w -> w * Math.E), FLOAT64_TOLERANCE);
    }
  }

  static Stream<Arguments> arithmeticOperands() {
    return Stream.of(Arithmetic.values())
        .flatMap(op -> Stream.of(arguments(op, 0), arguments(op, 1)));
  }

  @ParameterizedTest(name = "{0} operand {1}")
  @MethodSource("arithmeticOperands")
  void arithmeticGradientsSumOverBroadcastDimensions(Arithmetic op, int operand) {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      HostTensor a = gaussian(DType.FLOAT64, 2, 3, 2);
      HostTensor b = awayFromZero(DType.FLOAT64, Shape.of(3, 1));
      if (operand == 0) {
        Tensor fixed = constant(ops, b);
        assertGradient(h, a, x -> op.apply(ops, x, fixed));
      } else {
        Tensor fixed = constant(ops, a);
        assertGradient(h, b, x -> op.apply(ops, fixed, x));
      }
    }
  }

  @Test
  void powGradientInTheBaseMatchesFiniteDifferences() {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      Tensor exponent = constant(ops, uniform(DType.FLOAT64, -2, 2, 3, 4));
      assertGradient(h, uniform(DType.FLOAT64, 0.25, 3, 3, 4), x -> ops.pow(x, exponent));
    }
  }

  @Test
  void powGradientInTheExponentMatchesFiniteDifferences() {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      Tensor base = constant(ops, uniform(DType.FLOAT64, 0.25, 3, 3, 4));
      assertGradient(h, uniform(DType.FLOAT64, -2, 2, 3, 4), x -> ops.pow(base, x));
    }
  }

  /** The element-wise functions with a gradient. */
  protected enum Elementwise {
    EXP,
    SIGMOID,
    SILU,
    SCALE;

    Tensor apply(TensorOps ops, Tensor x) {
      return switch (this) {
        case EXP -> ops.exp(x);
        case SIGMOID -> ops.sigmoid(x);
        case SILU -> ops.silu(x);
        case SCALE -> ops.scale(x, -2.5);
      };
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Elementwise.class)
  void elementwiseGradientsMatchFiniteDifferences(Elementwise f) {
    try (TensorOpsHarness h = gradientHarness()) {
      assertGradient(h, uniform(DType.FLOAT64, -3, 3, 3, 4), x -> f.apply(h.ops(), x));
    }
  }

  static Stream<Shape> softmaxShapes() {
    // the last axis is longer than axis 1, so a gradient over the wrong axis is caught
    return Stream.of(Shape.of(3, 4), Shape.of(2, 3, 4), Shape.of(2, 2, 3, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("softmaxShapes")
  void softmaxGradientMatchesFiniteDifferencesAtEveryRank(Shape shape) {
    try (TensorOpsHarness h = gradientHarness()) {
      assertGradient(h, gaussian(DType.FLOAT64, shape), x -> h.ops().softmax(x));
    }
  }

  static Stream<Arguments> transposesAndOperands() {
    List<Arguments> cases = new ArrayList<>();
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        cases.add(arguments(ta, tb, 0));
        cases.add(arguments(ta, tb, 1));
      }
    }
    return cases.stream();
  }

  /**
   * Checks the gradient of {@code matmul(a, b, transposeA, transposeB)} in one operand, {@code
   * op(a)} being {@code [..., 2, 3]} and {@code op(b)} {@code [..., 3, 2]}.
   */
  private void assertMatmulGradient(
      int[] leadA, int[] leadB, boolean transposeA, boolean transposeB, int operand) {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      HostTensor a = gaussian(DType.FLOAT64, matrixShape(leadA, 2, 3, transposeA));
      HostTensor b = gaussian(DType.FLOAT64, matrixShape(leadB, 3, 2, transposeB));
      if (operand == 0) {
        Tensor fixed = constant(ops, b);
        assertGradient(h, a, x -> ops.matmul(x, fixed, transposeA, transposeB));
      } else {
        Tensor fixed = constant(ops, a);
        assertGradient(h, b, x -> ops.matmul(fixed, x, transposeA, transposeB));
      }
    }
  }

  @ParameterizedTest(name = "transposeA={0} transposeB={1} operand {2}")
  @MethodSource("transposesAndOperands")
  void matmulGradientsMatchFiniteDifferences(boolean transposeA, boolean transposeB, int operand) {
    assertMatmulGradient(new int[0], new int[0], transposeA, transposeB, operand);
  }

  @ParameterizedTest(name = "transposeA={0} transposeB={1} operand {2}")
  @MethodSource("transposesAndOperands")
  void batchedMatmulGradientsMatchFiniteDifferences(
      boolean transposeA, boolean transposeB, int operand) {
    assertMatmulGradient(new int[] {2}, new int[] {2}, transposeA, transposeB, operand);
  }

  @ParameterizedTest(name = "transposeA={0} transposeB={1} operand {2}")
  @MethodSource("transposesAndOperands")
  void matmulGradientsSumOverBroadcastLeadingDimensions(
      boolean transposeA, boolean transposeB, int operand) {
    // [2] against [2, 2]: the first operand is shared over the leading axis of the second
    assertMatmulGradient(new int[] {2}, new int[] {2, 2}, transposeA, transposeB, operand);
    assertMatmulGradient(new int[] {2, 1}, new int[] {1, 2}, transposeA, transposeB, operand);
  }

  static Stream<Arguments> ranksAndOperands() {
    return Stream.of(2, 3).flatMap(r -> Stream.of(0, 1, 2).map(o -> arguments(r, o)));
  }

  @ParameterizedTest(name = "rank {0} operand {1}")
  @MethodSource("ranksAndOperands")
  void linearGradientsMatchFiniteDifferences(int rank, int operand) {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      HostTensor[] in = {
        rank == 2 ? gaussian(DType.FLOAT64, 3, 3) : gaussian(DType.FLOAT64, 2, 2, 3),
        gaussian(DType.FLOAT64, 4, 3),
        gaussian(DType.FLOAT64, 4)
      };
      assertGradient(
          h,
          in[operand],
          x ->
              ops.linear(
                  arg(ops, in, 0, operand, x),
                  arg(ops, in, 1, operand, x),
                  arg(ops, in, 2, operand, x)));
    }
  }

  @ParameterizedTest(name = "rank {0} operand {1}")
  @MethodSource("ranksAndOperands")
  void layerNormGradientsMatchFiniteDifferences(int rank, int operand) {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      HostTensor[] in = {
        rank == 2 ? gaussian(DType.FLOAT64, 3, 4) : gaussian(DType.FLOAT64, 2, 2, 4),
        uniform(DType.FLOAT64, 0.5, 2, 4),
        gaussian(DType.FLOAT64, 4)
      };
      assertGradient(
          h,
          in[operand],
          x ->
              ops.layerNorm(
                  arg(ops, in, 0, operand, x),
                  arg(ops, in, 1, operand, x),
                  arg(ops, in, 2, operand, x),
                  1e-3));
    }
  }

  /** {@code x} if it is the operand under test, else input {@code i} as a constant. */
  private static Tensor arg(TensorOps ops, HostTensor[] inputs, int i, int operand, Tensor x) {
    return i == operand ? x : constant(ops, inputs[i]);
  }

  static Stream<Arguments> axesAndKeepDims() {
    return Stream.of(0, 1, 2).flatMap(a -> Stream.of(arguments(a, true), arguments(a, false)));
  }

  @ParameterizedTest(name = "axis {0} keepDims={1}")
  @MethodSource("axesAndKeepDims")
  void sumGradientMatchesFiniteDifferences(int axis, boolean keepDims) {
    try (TensorOpsHarness h = gradientHarness()) {
      assertGradient(h, gaussian(DType.FLOAT64, 2, 3, 2), x -> h.ops().sum(x, axis, keepDims));
    }
  }

  @Test
  void reshapeGradientMatchesFiniteDifferences() {
    try (TensorOpsHarness h = gradientHarness()) {
      assertGradient(h, gaussian(DType.FLOAT64, 2, 3, 2), x -> h.ops().reshape(x, 3, -1));
    }
  }

  static Stream<int[]> permutations() {
    return Stream.of(new int[] {1, 0, 2}, new int[] {2, 0, 1}, new int[] {0, 2, 1});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("permutations")
  void transposeGradientMatchesFiniteDifferences(int[] permutation) {
    try (TensorOpsHarness h = gradientHarness()) {
      assertGradient(h, gaussian(DType.FLOAT64, 2, 3, 2), x -> h.ops().transpose(x, permutation));
    }
  }

  @ParameterizedTest(name = "part {0}")
  @ValueSource(ints = {0, 1, 2})
  void concatGradientsMatchFiniteDifferences(int part) {
    try (TensorOpsHarness h = gradientHarness()) {
      TensorOps ops = h.ops();
      HostTensor[] in = {
        gaussian(DType.FLOAT64, 2, 2, 2),
        gaussian(DType.FLOAT64, 2, 1, 2),
        gaussian(DType.FLOAT64, 2, 3, 2)
      };
      assertGradient(
          h,
          in[part],
          x ->
              ops.concat(
                  1, arg(ops, in, 0, part, x), arg(ops, in, 1, part, x), arg(ops, in, 2, part, x)));
    }
  }

  // ---------------------------------------------------------------- helpers

  static Stream<DType> precisions() {
    return Stream.of(DType.FLOAT32, DType.FLOAT64);
  }

  /** {@code x} as a constant of the algebra. */
  protected static Tensor constant(TensorOps ops, HostTensor x) {
    return ops.constant(x.shape(), x.toDoubleArray());
  }

  /**
   * {@code Σ w ⊙ y}: a scalar loss whose gradient weighs every element of {@code y} differently.
   */
  private static Tensor weightedSum(TensorOps ops, Tensor y, HostTensor weights) {
    return ops.sum(ops.reshape(ops.mul(y, constant(ops, weights)), -1), 0, false);
  }

  /**
   * Checks the backend's gradient of {@code L(x) = Σ w ⊙ f(x)}, for fixed random weights {@code w},
   * against central differences of {@code L} evaluated by the backend at {@code x0 ± STEP} in each
   * element.
   */
  private void assertGradient(TensorOpsHarness h, HostTensor x0, UnaryOperator<Tensor> f) {
    TensorOps ops = h.ops();
    Tensor x = constant(ops, x0);
    Tensor y = f.apply(x);
    HostTensor weights = gaussian(DType.FLOAT64, y.shape());
    HostTensor gradient = h.gradient(weightedSum(ops, y, weights), x);
    assertThat(gradient.shape()).as("gradient shape").isEqualTo(x0.shape());

    double[] v = x0.toDoubleArray();
    List<Tensor> losses = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      for (double step : new double[] {STEP, -STEP}) {
        double[] shifted = v.clone();
        shifted[i] += step;
        losses.add(weightedSum(ops, f.apply(ops.constant(x0.shape(), shifted)), weights));
      }
    }
    List<HostTensor> values = h.evalAll(losses);
    double[] differences = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      differences[i] = (values.get(2 * i).get(0) - values.get(2 * i + 1).get(0)) / (2 * STEP);
    }
    HostTensor expected = tensor(x0.shape(), differences);
    assertThat(expected.maxAbs())
        .as("the loss depends on x (else the check could not fail)")
        .isGreaterThan(1e-3);
    assertClose(gradient, expected, GRADIENT_TOLERANCE);
  }

  /** Checks a result's static shape and type, then its value against the expected one. */
  private static void assertComputes(TensorOpsHarness h, Tensor actual, HostTensor expected) {
    DType dtype = h.ops().floatType();
    assertThat(actual.shape()).as("static shape").isEqualTo(expected.shape());
    assertThat(actual.dtype()).as("dtype").isEqualTo(dtype);
    HostTensor value = h.eval(actual);
    assertThat(value.shape()).as("shape of the value").isEqualTo(expected.shape());
    assertThat(value.dtype()).as("dtype of the value").isEqualTo(dtype);
    assertClose(value, expected, dtype == DType.FLOAT64 ? FLOAT64_TOLERANCE : FLOAT32_TOLERANCE);
  }

  /** Every element within {@code tolerance · max(1, |expected|)}; names the worst one if not. */
  private static void assertClose(HostTensor actual, HostTensor expected, double tolerance) {
    assertThat(actual.shape()).isEqualTo(expected.shape());
    int worst = 0;
    double worstError = 0;
    for (int i = 0; i < actual.size(); i++) {
      double error =
          Math.abs(actual.get(i) - expected.get(i)) / Math.max(1, Math.abs(expected.get(i)));
      if (Double.isNaN(error) || error > worstError) {
        worst = i;
        worstError = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
      }
    }
    int at = worst;
    assertThat(worstError)
        .as(
            () ->
                "relative error at element "
                    + at
                    + " of "
                    + expected.shape()
                    + ": "
                    + actual.get(at)
                    + ", expected "
                    + expected.get(at))
        .isLessThanOrEqualTo(tolerance);
  }

  /** Sample mean and standard deviation within {@link #STANDARD_ERRORS} of the given ones. */
  private static void assertMeanAndStd(double[] v, double mean, double std, double kurtosis) {
    int n = v.length;
    double sampleMean = Arrays.stream(v).average().orElseThrow();
    double sumSquares = 0;
    for (double x : v) {
      sumSquares += (x - sampleMean) * (x - sampleMean);
    }
    double sampleStd = Math.sqrt(sumSquares / (n - 1));
    assertThat(sampleMean).as("mean").isCloseTo(mean, within(STANDARD_ERRORS * std / Math.sqrt(n)));
    // standard error of a sample standard deviation: std · sqrt((kurtosis − 1) / 4n)
    assertThat(sampleStd)
        .as("standard deviation")
        .isCloseTo(std, within(STANDARD_ERRORS * std * Math.sqrt((kurtosis - 1) / (4.0 * n))));
  }

  /** About 4.55% of normal values lie beyond two standard deviations (none of a uniform's). */
  private static void assertNormalTails(double[] v, double mean, double std) {
    double p = 0.0455;
    double beyond = Arrays.stream(v).filter(x -> Math.abs(x - mean) > 2 * std).count();
    assertThat(beyond / v.length)
        .as("share beyond two standard deviations")
        .isCloseTo(p, within(STANDARD_ERRORS * Math.sqrt(p * (1 - p) / v.length)));
  }

  /** Standard normal values, rounded to {@code dtype}. */
  private HostTensor gaussian(DType dtype, Shape shape) {
    double[] v = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
    }
    return tensor(shape, v).as(dtype);
  }

  private HostTensor gaussian(DType dtype, int... dims) {
    return gaussian(dtype, Shape.of(dims));
  }

  /** Values uniform in {@code [lo, hi)}, rounded to {@code dtype}. */
  private HostTensor uniform(DType dtype, double lo, double hi, int... dims) {
    Shape shape = Shape.of(dims);
    double[] v = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * random.nextDouble();
    }
    return tensor(shape, v).as(dtype);
  }

  /** Values of magnitude in {@code [0.5, 2)} and either sign: safe divisors. */
  private HostTensor awayFromZero(DType dtype, Shape shape) {
    double[] v = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = (random.nextBoolean() ? 1 : -1) * (0.5 + 1.5 * random.nextDouble());
    }
    return tensor(shape, v).as(dtype);
  }

  /** Given values, rounded to {@code dtype}. */
  private static HostTensor values(DType dtype, Shape shape, double... values) {
    return tensor(shape, values.clone()).as(dtype);
  }
}
