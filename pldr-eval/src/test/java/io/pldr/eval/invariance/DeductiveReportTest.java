package io.pldr.eval.invariance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelSpec;
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
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeductiveReportTest {
  @TempDir Path dir;
  private static final List<long[]> PROMPTS =
      List.of(
          new long[] {5, 9, 13, 40, 7},
          new long[] {100, 3, 77, 12, 64, 90},
          new long[] {200, 201, 202, 203});

  @Test
  void rowsAreRmseAndLogDeterminantsOfEachHead() {
    // Two prompts, one layer, two heads of 2 × 2: A_LM, G_LM, and G_LM after the continuation.
    List<List<LayerDeductive>> prompts =
        List.of(
            List.of(
                new LayerDeductive(heads(2, 0, 0, 3, 1, 0, 0, 1), heads(0, 1, 1, 0, 4, 0, 0, 1))),
            List.of(
                new LayerDeductive(heads(2, 1, 1, 3, 1, 0, 0, 1), heads(0, 2, 1, 0, 4, 0, 0, -1))));
    List<List<LayerDeductive>> uncached =
        List.of(
            List.of(
                new LayerDeductive(heads(0, 0, 0, 0, 0, 0, 0, 0), heads(0, 1, 1, 2, 4, 0, 0, 1))),
            List.of(
                new LayerDeductive(heads(0, 0, 0, 0, 0, 0, 0, 0), heads(0, 2, 1, 0, 4, 0, 0, 1))));
    List<DeductiveReport.Row> rows = DeductiveReport.rows(prompts, uncached);

    // Head 0: A differs by (0, 1, 1, 0), G by (0, 1, 0, 0); det A 6 and 5, det G −1 and −2.
    // Head 1: A equal, G differs by (0, 0, 0, 2); det A 1 and 1, det G 4 and −4.
    assertThat(rows)
        .usingRecursiveFieldByFieldElementComparator(
            RecursiveComparisonConfiguration.builder()
                .withComparatorForType(
                    (Double x, Double y) -> Math.abs(x - y) < 1e-12 ? 0 : Double.compare(x, y),
                    Double.class)
                .build())
        .containsExactly(
            new DeductiveReport.Row(
                0,
                0,
                Math.sqrt(0.5),
                0.5,
                (Math.log(6) + Math.log(5)) / 2,
                Math.log(2) / 2,
                1.0,
                0.5),
            new DeductiveReport.Row(0, 1, 0, 1, 0, Math.log(4), 0.5, 0.5));
  }

  /** A {@code [1, 2, 2, 2]} tensor: two heads' 2 × 2 matrices, row-major. */
  private static HostTensor heads(double... values) {
    return HostTensor.of(DType.FLOAT64, Shape.of(1, 2, 2, 2), values);
  }

  @Test
  void theRandomLearnedModelIsNotInvariantButTheIdentityOperatorIs() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(f.checkpointDir(), Precision.FLOAT64);
    List<DeductiveReport.Row> learned;
    try (CachedDecoder d =
        new CachedDecoder(
            new ModelSpec(
                ckpt.config(), new LearnedPlgaProvider(), new PowerLawGraphAttentionProvider()))) {
      d.load(ckpt.tensors());
      learned = DeductiveReport.measure(d, PROMPTS, 4);
    }
    assertThat(learned).hasSize(2 * 4);
    assertThat(learned)
        .allMatch(
            r ->
                r.rmseGLmAcrossPrompts() > 1e-4
                    && r.rmseGLmCachedVsUncached() > 1e-6
                    && Double.isFinite(r.meanLogAbsDetGLm()));

    // The identity operator's G_LM = I for every input: RMSE 0 and log|det| 0, exactly.
    var identityConfig =
        ckpt.config().toBuilder()
            .setTensorOperator(
                io.pldr.api.config.TensorOperatorSpec.newBuilder().setName("identity"))
            .build();
    try (CachedDecoder d =
        new CachedDecoder(
            new ModelSpec(
                identityConfig,
                new IdentityOperatorProvider(),
                new PowerLawGraphAttentionProvider()))) {
      Map<String, HostTensor> weights =
          ckpt.tensors().entrySet().stream()
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
