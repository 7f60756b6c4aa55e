package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Teacher-forced decoding of the fixture's row 0 in each cache mode, against the reference. */
class DecodeConformanceTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(CacheMode.class)
  void teacherForcedLogitsEqualTheReference(CacheMode mode) throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(f.checkpointDir(),
        io.pldr.api.config.Precision.FLOAT32);
    long[] row = f.tokens()[0];
    int p = (int) f.io("decode.prompt_length").get(0);
    HostTensor expected = f.io("decode." + mode.id() + ".logits");
    try (CachedDecoder decoder = new CachedDecoder(ckpt.config(), new LearnedPlgaProvider(),
        new PowerLawGraphAttentionProvider())) {
      decoder.load(ckpt.tensors());
      HostTensor got = TeacherForcing.logits(decoder, row, p, mode);
      double err = got.maxAbsDiff(expected);
      System.out.printf("decode.%s.logits max|Δ| = %.3e (tolerance %.3e)%n", mode.id(), err,
          ReferenceFixture.tolerance(expected, 1e-4));
      assertThat(err).isLessThanOrEqualTo(ReferenceFixture.tolerance(expected, 1e-4));
      // On this random model caching changes the logits, so the modes are told apart.
      HostTensor other = f.io(mode == CacheMode.NONE ? "decode.kv_g.logits" : "decode.none.logits");
      assertThat(got.maxAbsDiff(other)).isGreaterThan(0.1);
    }
  }
}
