package io.pldr.train.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.testing.ReferenceFixture;
import io.pldr.train.optim.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TInt64;

/** One backward pass reproduces the reference's training loss and every parameter's gradient. */
class GradientConformanceTest {
  private static final double REL = 2e-3;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"FLOAT32", "FLOAT64"})
  void lossAndEveryGradientEqualTheReference(Precision precision) throws Exception {
    ReferenceFixture fixture = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(fixture.checkpointDir(), precision);
    ModelConfig config = ckpt.config();
    TrainingGraph g = new TrainingGraph(config, new LearnedPlgaProvider(),
        new PowerLawGraphAttentionProvider(), new TrainingGraph.Clip.None(),
        new AdamW.Settings(0.9, 0.95, 1e-5, 0.1), 1);
    try (Session s = g.model().openSession()) {
      g.model().assign(s, ckpt.tensors(), "fixture");
      Session.Runner runner = s.runner().fetch(g.loss());
      List<String> names = new ArrayList<>(g.gradients().keySet());
      names.forEach(n -> runner.fetch(g.gradients().get(n)));
      try (TInt64 batch = HostTensors.tokens(fixture.tokens());
          Result r = runner.feed(g.batch(), batch).run()) {
        double loss = HostTensors.fromTensor(r.get(0)).get(0);
        double expectedLoss = fixture.io("train.loss").get(0);
        System.out.printf("%s train.loss %.7f vs %.7f (|Δ| %.2e)%n", precision, loss,
            expectedLoss, Math.abs(loss - expectedLoss));
        assertThat(Math.abs(loss - expectedLoss)).isLessThanOrEqualTo(1e-5 + REL * expectedLoss);
        double worstRatio = 0;
        String worst = "";
        for (int i = 0; i < names.size(); i++) {
          HostTensor actual = HostTensors.fromTensor(r.get(i + 1));
          HostTensor expected = fixture.io("grad." + names.get(i));
          double err = actual.maxAbsDiff(expected);
          double tol = ReferenceFixture.tolerance(expected, REL);
          if (err / tol > worstRatio) {
            worstRatio = err / tol;
            worst = String.format("grad.%s max|Δ| %.3e tol %.3e", names.get(i), err, tol);
          }
          assertThat(err).as("%s grad.%s", precision, names.get(i)).isLessThanOrEqualTo(tol);
        }
        assertThat(names).hasSize(111);
        System.out.printf("%s worst gradient (closest to its tolerance): %s%n", precision, worst);
      }
    } finally {
      g.model().close();
    }
  }
}
