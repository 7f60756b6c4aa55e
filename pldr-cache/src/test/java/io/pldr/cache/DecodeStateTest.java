package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.cache.LayerKv;
import io.pldr.api.tensor.HostTensor;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decoding state seen and changed through pldr-api's KvCache and GCache contracts. */
class DecodeStateTest {
  @TempDir Path dir;

  @Test
  void cachesAreReadableAndReplaceableThroughTheSpi() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, io.pldr.api.config.Precision.FLOAT32)) {
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      DecodeState state = decoder.prefill(new long[][] {Arrays.copyOf(row, 5)}).state();
      assertThat(state.kvCache().length()).isEqualTo(5);
      LayerKv kv = state.kvCache().layer(1).orElseThrow();
      assertThat(kv.keys().shape().dims()).containsExactly(1, 4, 5, 16);
      assertThat(kv.metric().shape().dims()).containsExactly(1, 4, 16, 16);
      LayerDeductive g = state.gCache().layer(0).orElseThrow();
      assertThat(g.gLm().shape().dims()).containsExactly(1, 4, 16, 16);

      // Writing the same tensors back changes nothing; another G_LM changes the next logits.
      state.kvCache().put(1, kv);
      state.gCache().put(0, g);
      long[][] next = {Arrays.copyOf(row, 6)};
      // step() takes over the state it is given and returns the one to use (and close).
      DecodeState copy = decoder.prefill(new long[][] {Arrays.copyOf(row, 5)}).state();
      CachedDecoder.Step s = decoder.step(copy, next, CacheMode.KV_G);
      HostTensor before = s.logits();
      s.state().close();
      CachedDecoder.Step same = decoder.step(state, next, CacheMode.KV_G);
      assertThat(same.logits().maxAbsDiff(before)).isZero();
      state = same.state();
      DecodeState other = decoder.prefill(new long[][] {Arrays.copyOf(row, 5)}).state();
      HostTensor zero = HostTensor.of(g.gLm().dtype(), g.gLm().shape(), new double[4 * 16 * 16]);
      other.gCache().put(0, new LayerDeductive(zero, zero));
      CachedDecoder.Step changed = decoder.step(other, next, CacheMode.KV_G);
      assertThat(changed.logits().maxAbsDiff(before)).isGreaterThan(1e-3);
      changed.state().close();
      state.close();
    }
  }
}
