package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a G-cache, a decoding step executes none of the metric tensor, the metric learner or the
 * power law: checked on the nodes TensorFlow reports it ran, not by timing.
 */
class DeepNetAbsenceTest {
  @TempDir Path dir;

  private static final Predicate<String> LEARNER = n -> n.contains(".reslayerAs.");
  private static final Predicate<String> POWER_LAW = n -> n.contains(".plgatt_layer.");
  private static final Predicate<String> METRIC_NORM = n -> n.contains(".mha1.layernorm1");

  @Test
  void gCacheStepsRunNoneOfTheDeepNet() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, io.pldr.api.config.Precision.FLOAT32)) {
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      try (DecodeState state = decoder.prefill(new long[][] {Arrays.copyOf(row, 6)}).state()) {
        long[][] next = {Arrays.copyOf(row, 7)};
        Set<String> none = decoder.executedNodes(state, next, CacheMode.NONE);
        Set<String> kv = decoder.executedNodes(state, next, CacheMode.KV);
        Set<String> g = decoder.executedNodes(state, next, CacheMode.G);
        Set<String> kvg = decoder.executedNodes(state, next, CacheMode.KV_G);

        // Without caches every part of the deep net runs (so the check below can fail).
        assertThat(none).anyMatch(LEARNER).anyMatch(POWER_LAW).anyMatch(METRIC_NORM);
        // KV-cache alone: the prompt's refined metric replaces the learner; the power law runs.
        assertThat(kv).noneMatch(LEARNER).noneMatch(METRIC_NORM).anyMatch(POWER_LAW);
        // G-cache: none of it, in g mode (unlike the reference, which still computes A) and kv_g.
        assertThat(g).noneMatch(LEARNER).noneMatch(POWER_LAW).noneMatch(METRIC_NORM);
        assertThat(kvg).noneMatch(LEARNER).noneMatch(POWER_LAW).noneMatch(METRIC_NORM);
        assertThat(kvg.size()).isLessThan(none.size());
      }
    }
  }
}
