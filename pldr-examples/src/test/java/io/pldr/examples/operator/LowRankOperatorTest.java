package io.pldr.examples.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.MetricOperator;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.testing.TfOperatorHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the low-rank operator computes, in float64 on random metric tensors. */
class LowRankOperatorTest {
  private static final int B = 2;
  private static final int H = 3;
  private static final int D = 8;

  /** Pivots below this fraction of the largest entry count as zero. */
  private static final double RANK_TOLERANCE = 1e-9;

  static ModelConfig config(String rank) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(1)
            .setDModel(H * D)
            .setNumHeads(H)
            .setDff(16)
            .setVocabSize(16)
            .setMaxSeqLen(8)
            .setTensorOperator(
                TensorOperatorSpec.newBuilder()
                    .setName(LowRankOperatorModule.NAME)
                    .putOptions(LowRankOptions.RANK, rank))
            .build(),
        "test");
  }

  private static DeductiveOutputs deduce(TfOperatorHarness h, int rank) {
    MetricOperator op =
        (MetricOperator)
            new LowRankOperatorProvider()
                .create(
                    new OperatorContext(
                        0, config(Integer.toString(rank)), h.ops(), "decoder.dec_layers.0.mha1"));
    Random r = new Random(rank);
    double[] a = new double[B * H * D * D];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    return op.deduce(op.refine(h.ops().constant(Shape.of(B, H, D, D), a)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, D})
  void gLmMinusTheIdentityHasTheConfiguredRankInEveryHead(int rank) {
    try (TfOperatorHarness h = new TfOperatorHarness(DType.FLOAT64)) {
      HostTensor g = h.eval(deduce(h, rank).gLm());
      assertThat(g.shape()).isEqualTo(Shape.of(B, H, D, D));
      double[] v = g.toDoubleArray();
      for (int m = 0; m < B * H; m++) {
        double[] correction = new double[D * D];
        for (int i = 0; i < D * D; i++) {
          correction[i] = v[m * D * D + i] - (i / D == i % D ? 1 : 0);
        }
        assertThat(numericalRank(correction, D))
            .as("batch %d, head %d", m / H, m % H)
            .isEqualTo(rank);
      }
    }
  }

  @Test
  void aLmIsPositiveAsInV510() {
    try (TfOperatorHarness h = new TfOperatorHarness(DType.FLOAT64)) {
      double[] aLm = h.eval(deduce(h, 2).aLm()).toDoubleArray();
      assertThat(java.util.Arrays.stream(aLm).min().orElseThrow()).isPositive();
    }
  }

  /** Rank of a row-major {@code n × n} matrix by Gaussian elimination with full pivoting. */
  static int numericalRank(double[] matrix, int n) {
    double[] m = matrix.clone();
    double scale = 0;
    for (double x : m) {
      scale = Math.max(scale, Math.abs(x));
    }
    int rank = 0;
    for (int step = 0; step < n; step++) {
      int pr = step;
      int pc = step;
      for (int i = step; i < n; i++) {
        for (int j = step; j < n; j++) {
          if (Math.abs(m[i * n + j]) > Math.abs(m[pr * n + pc])) {
            pr = i;
            pc = j;
          }
        }
      }
      double pivot = m[pr * n + pc];
      if (Math.abs(pivot) <= RANK_TOLERANCE * scale) {
        break;
      }
      rank++;
      for (int j = 0; j < n; j++) {
        double t = m[step * n + j];
        m[step * n + j] = m[pr * n + j];
        m[pr * n + j] = t;
      }
      for (int i = 0; i < n; i++) {
        double t = m[i * n + step];
        m[i * n + step] = m[i * n + pc];
        m[i * n + pc] = t;
      }
      for (int i = step + 1; i < n; i++) {
        double f = m[i * n + step] / pivot;
        for (int j = step; j < n; j++) {
          m[i * n + j] -= f * m[step * n + j];
        }
      }
    }
    return rank;
  }
}
