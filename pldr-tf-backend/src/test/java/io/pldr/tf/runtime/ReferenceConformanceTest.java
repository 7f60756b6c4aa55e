package io.pldr.tf.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.checkpoint.ReferenceOutputs;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every {@code full.*} tensor of the reference fixture, reproduced in float32 and float64. */
class ReferenceConformanceTest {
  private static final double REL = 1e-4;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"FLOAT32", "FLOAT64"})
  void forwardPassReproducesEveryFullTensor(Precision precision) throws Exception {
    ReferenceFixture fixture = ReferenceFixture.extractTo(dir);
    ModelFactory factory =
        com.google.inject.Guice.createInjector(PldrInjectors.builtIn())
            .getInstance(ModelFactory.class);
    try (PldrModel model =
        ReferenceCheckpoint.read(fixture.checkpointDir(), precision).load(factory)) {
      Map<String, HostTensor> actual = ReferenceOutputs.full(model.forward(fixture.tokens()));
      assertThat(actual).hasSize(2 + 3 * model.config().getNumLayers());
      for (Map.Entry<String, HostTensor> e : actual.entrySet()) {
        HostTensor expected = fixture.io(e.getKey());
        double err = e.getValue().maxAbsDiff(expected);
        System.out.printf(
            "%s %-28s max|Δ| = %.3e  (tolerance %.3e, max|expected| %.3e)%n",
            precision,
            e.getKey(),
            err,
            ReferenceFixture.tolerance(expected, REL),
            expected.maxAbs());
        assertThat(err)
            .as("%s %s", precision, e.getKey())
            .isLessThanOrEqualTo(ReferenceFixture.tolerance(expected, REL));
      }
    }
  }
}
