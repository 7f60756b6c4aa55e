package io.pldr.tf.attention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionInputs;
import io.pldr.api.attention.AttentionResult;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.operator.IdentityOperator;
import io.pldr.tf.testing.TestGraph;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Power law graph attention with the identity operator is scaled dot-product attention: compared
 * with a straightforward loop computation of softmax(Q·Kᵀ/√d + mask·(−1e9))·V.
 */
class ScaledDotProductTest {
  private static final int B = 2;
  private static final int H = 3;
  private static final int T = 5;
  private static final int D = 4;

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64"})
  void identityOperatorAttentionEqualsPlainScaledDotProductAttention(DType dtype) {
    Random random = new Random(42);
    double[] q = gaussian(random, B * H * T * D);
    double[] k = gaussian(random, B * H * T * D);
    double[] v = gaussian(random, B * H * T * D);
    double[] mask = new double[B * T * T];
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < T; i++) {
        for (int j = 0; j < T; j++) {
          // look-ahead, and in row 1 the second key is padding (every query keeps a key: a fully
          // masked row is uniform in float32 but not in float64)
          mask[(b * T + i) * T + j] = j > i || (b == 1 && j == 1) ? 1 : 0;
        }
      }
    }
    ModelConfig config = ModelConfig.newBuilder().setDModel(H * D).setNumHeads(H).build();
    try (TestGraph g = new TestGraph(dtype)) {
      TensorOps ops = g.ops();
      OperatorContext layer = new OperatorContext(0, config, ops, "layer");
      PowerLawGraphAttention attention =
          new PowerLawGraphAttention(new AttentionContext(layer, IdentityOperator.of(layer)));
      Shape s = Shape.of(B, H, T, D);
      AttentionResult r =
          attention.attend(
              AttentionInputs.of(
                  ops.constant(s, q),
                  ops.constant(s, k),
                  ops.constant(s, v),
                  ops.constant(Shape.of(B, 1, T, T), mask)));
      HostTensor out = g.eval(r.output());
      HostTensor logits = g.eval(r.logits());

      double tol = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
      double[] expectedOut = new double[B * H * T * D];
      for (int b = 0; b < B; b++) {
        for (int h = 0; h < H; h++) {
          int base = (b * H + h) * T * D;
          for (int i = 0; i < T; i++) {
            double[] w = new double[T];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < T; j++) {
              double dot = 0;
              for (int c = 0; c < D; c++) {
                dot += q[base + i * D + c] * k[base + j * D + c];
              }
              double logit = dot / Math.sqrt(D);
              assertThat(logits.get(((b * H + h) * T + i) * T + j))
                  .isCloseTo(logit, org.assertj.core.data.Offset.offset(tol));
              w[j] = logit + mask[(b * T + i) * T + j] * -1e9;
              max = Math.max(max, w[j]);
            }
            double sum = 0;
            for (int j = 0; j < T; j++) {
              w[j] = Math.exp(w[j] - max);
              sum += w[j];
            }
            for (int c = 0; c < D; c++) {
              double acc = 0;
              for (int j = 0; j < T; j++) {
                acc += w[j] / sum * v[base + j * D + c];
              }
              expectedOut[base + i * D + c] = acc;
            }
          }
        }
      }
      assertThat(out.maxAbsDiff(HostTensor.of(out.dtype(), out.shape(), expectedOut)))
          .isLessThanOrEqualTo(tol);
    }
  }

  private static double[] gaussian(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }
}
