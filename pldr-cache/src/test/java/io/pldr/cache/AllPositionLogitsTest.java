package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logits at every computed position, from a prompt's caches that stay usable. */
class AllPositionLogitsTest {
  private static final double TOLERANCE = 1e-9;

  @TempDir Path dir;

  @Test
  void kvGPassOverSeveralNewTokensEqualsOneStepPerTokenAndKeepsTheState() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, Precision.FLOAT64)) {
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      int p = 5;
      HostTensor stepped =
          TeacherForcing.logits(decoder, Arrays.copyOf(row, p + 3), p, CacheMode.KV_G);
      int vocab = decoder.config().getVocabSize();
      try (DecodeState state = decoder.prefill(new long[][] {Arrays.copyOf(row, p)}).state()) {
        for (int round = 0; round < 2; round++) { // the state is still valid the second time
          HostTensor all =
              decoder.logits(state, new long[][] {Arrays.copyOf(row, p + 3)}, CacheMode.KV_G);
          assertThat(all.shape().dims()).containsExactly(1, 3, vocab);
          double[] expected = Arrays.copyOfRange(stepped.toDoubleArray(), vocab, 4 * vocab);
          assertThat(all.maxAbsDiff(HostTensor.of(all.dtype(), all.shape(), expected)))
              .isLessThan(TOLERANCE);
        }
        assertThat(state.length()).isEqualTo(p);
      }
    }
  }

  @Test
  void uncachedPassGivesEveryPositionOfTheFullSequence() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, Precision.FLOAT64)) {
      CachedDecoder decoder = fd.decoder();
      long[] row = Arrays.copyOf(fd.row0(), 6);
      HostTensor all = decoder.logits(new long[][] {row});
      int vocab = decoder.config().getVocabSize();
      assertThat(all.shape().dims()).containsExactly(1, 6, vocab);
      CachedDecoder.Step prompt = decoder.prefill(new long[][] {row});
      prompt.state().close();
      HostTensor last = prompt.logits();
      double[] lastRow = Arrays.copyOfRange(all.toDoubleArray(), 5 * vocab, 6 * vocab);
      assertThat(last.maxAbsDiff(HostTensor.of(last.dtype(), last.shape(), lastRow)))
          .isLessThan(TOLERANCE);
    }
  }
}
