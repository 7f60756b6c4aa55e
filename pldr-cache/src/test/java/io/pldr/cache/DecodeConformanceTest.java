package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.tensor.HostTensor;
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
    try (FixtureDecoder fd = FixtureDecoder.open(dir, io.pldr.api.config.Precision.FLOAT32)) {
      ReferenceFixture f = fd.fixture();
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      int p = (int) f.io("decode.prompt_length").get(0);
      HostTensor expected = f.io("decode." + mode.id() + ".logits");
      HostTensor got = TeacherForcing.logits(decoder, row, p, mode);
      double err = got.maxAbsDiff(expected);
      System.out.printf(
          "decode.%s.logits max|Δ| = %.3e (tolerance %.3e)%n",
          mode.id(), err, ReferenceFixture.tolerance(expected, 1e-4));
      assertThat(err).isLessThanOrEqualTo(ReferenceFixture.tolerance(expected, 1e-4));
      // On this random model caching changes the logits, so the modes are told apart.
      HostTensor other = f.io(mode == CacheMode.NONE ? "decode.kv_g.logits" : "decode.none.logits");
      assertThat(got.maxAbsDiff(other)).isGreaterThan(0.1);
    }
  }
}
