package io.pldr.cache.invariance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pldr.api.config.Precision;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.CachedDecoder;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.operator.IdentityOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeductiveReportTest {
  @TempDir Path dir;
  private static final List<long[]> PROMPTS = List.of(new long[] {5, 9, 13, 40, 7},
      new long[] {100, 3, 77, 12, 64, 90}, new long[] {200, 201, 202, 203});

  @Test
  void determinantsAreSignAndLogAbsolute() {
    try (Determinants det = new Determinants()) {
      HostTensor m = HostTensor.of(DType.FLOAT64, Shape.of(2, 2, 2),
          new double[] {2, 0, 0, 3, 0, 1, 1, 0});
      HostTensor[] r = det.of(m);
      assertThat(r[0].toDoubleArray()).containsExactly(1, -1);
      assertThat(r[1].get(0)).isCloseTo(Math.log(6), within(1e-12));
      assertThat(r[1].get(1)).isCloseTo(0, within(1e-12));
    }
  }

  @Test
  void theRandomLearnedModelIsNotInvariantButTheIdentityOperatorIs() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(f.checkpointDir(), Precision.FLOAT64);
    List<DeductiveReport.Row> learned;
    try (CachedDecoder d = new CachedDecoder(ckpt.config(), new LearnedPlgaProvider(),
        new PowerLawGraphAttentionProvider())) {
      d.load(ckpt.tensors());
      learned = DeductiveReport.measure(d, PROMPTS, 4);
    }
    assertThat(learned).hasSize(2 * 4);
    assertThat(learned).allMatch(r -> r.rmseGLmAcrossPrompts() > 1e-4
        && r.rmseGLmCachedVsUncached() > 1e-6 && Double.isFinite(r.meanLogAbsDetGLm()));

    // The identity operator's G_LM = I for every input: RMSE 0 and log|det| 0, exactly.
    var identityConfig = ckpt.config().toBuilder().setTensorOperator(
        io.pldr.api.config.TensorOperatorSpec.newBuilder().setName("identity")).build();
    try (CachedDecoder d = new CachedDecoder(identityConfig, new IdentityOperatorProvider(),
        new PowerLawGraphAttentionProvider())) {
      Map<String, HostTensor> weights = ckpt.tensors().entrySet().stream()
          .filter(e -> d.initialValues(0).containsKey(e.getKey()))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      d.load(weights);
      for (DeductiveReport.Row r : DeductiveReport.measure(d, PROMPTS, 4)) {
        assertThat(r.rmseGLmAcrossPrompts()).isZero();
        assertThat(r.rmseGLmCachedVsUncached()).isZero();
        assertThat(r.meanLogAbsDetGLm()).isZero();
      }
    }
  }
}
