package io.pldr.train.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.testing.ReferenceFixture;
import io.pldr.tf.testing.Specs;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One backward pass reproduces the reference's training loss and every parameter's gradient. */
class GradientConformanceTest {
  private static final double REL = 2e-3;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"FLOAT32", "FLOAT64"})
  void lossAndEveryGradientEqualTheReference(Precision precision) throws Exception {
    ReferenceFixture fixture = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(fixture.checkpointDir(), precision);
    LossAndGradients r =
        LossAndGradients.compute(Specs.of(ckpt.config()), ckpt.tensors(), fixture.tokens());

    double expectedLoss = fixture.io("train.loss").get(0);
    System.out.printf(
        "%s train.loss %.7f vs %.7f (|Δ| %.2e)%n",
        precision, r.loss(), expectedLoss, Math.abs(r.loss() - expectedLoss));
    assertThat(Math.abs(r.loss() - expectedLoss)).isLessThanOrEqualTo(1e-5 + REL * expectedLoss);

    assertThat(r.gradients()).hasSize(ckpt.tensors().size());
    double worstRatio = 0;
    String worst = "";
    for (Map.Entry<String, HostTensor> e : r.gradients().entrySet()) {
      HostTensor expected = fixture.io("grad." + e.getKey());
      double err = e.getValue().maxAbsDiff(expected);
      double tol = ReferenceFixture.tolerance(expected, REL);
      if (err / tol > worstRatio) {
        worstRatio = err / tol;
        worst = String.format("grad.%s max|Δ| %.3e (tolerance %.3e)", e.getKey(), err, tol);
      }
      assertThat(err).as("%s grad.%s", precision, e.getKey()).isLessThanOrEqualTo(tol);
    }
    System.out.printf("%s gradient closest to its tolerance: %s%n", precision, worst);
  }
}
