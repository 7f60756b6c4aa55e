package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decoding state's G-cache is what its steps attend with. */
class DecodeStateTest {
  @TempDir Path dir;

  @Test
  void aStatesGCacheIsWhatItsStepsAttendWith() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, Precision.FLOAT32)) {
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      long[][] prompt = {Arrays.copyOf(row, 5)};
      long[][] next = {Arrays.copyOf(row, 6)};
      DecodeState state = decoder.prefill(prompt).state();
      assertThat(state.length()).isEqualTo(5);
      GCache g = state.gCache();
      assertThat(g.numLayers()).isEqualTo(2);
      assertThat(g.layer(1).gLm().shape().dims()).containsExactly(1, 4, 16, 16);

      // step() takes over the state it is given and returns the one to use (and close).
      CachedDecoder.Step continued = decoder.step(state, next, CacheMode.KV_G);
      continued.state().close();
      CachedDecoder.Step fromCopy =
          decoder.step(decoder.prefill(prompt, g).state(), next, CacheMode.KV_G);
      fromCopy.state().close();
      assertThat(fromCopy.logits().maxAbsDiff(continued.logits())).isZero();

      List<LayerDeductive> changed = new ArrayList<>(g.layers());
      HostTensor zero =
          HostTensor.of(
              g.layer(0).gLm().dtype(), g.layer(0).gLm().shape(), new double[4 * 16 * 16]);
      changed.set(0, new LayerDeductive(zero, zero));
      CachedDecoder.Step other =
          decoder.step(decoder.prefill(prompt, new GCache(changed)).state(), next, CacheMode.KV_G);
      other.state().close();
      assertThat(other.logits().maxAbsDiff(continued.logits())).isGreaterThan(1e-3);
    }
  }
}
