package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.config.ModelConfig;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.testing.Specs;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fetching every deductive output leaves the decoding steps as they were: on {@code bench decode}'s
 * small model a step executes the node counts docs/benchmarks.md records (kv_g 367, kv 424, g 327,
 * none 944), before and after a {@link CachedDecoder#deductive} run.
 */
class DecodeGraphNodesTest {
  private static final Map<CacheMode, Integer> DOCUMENTED =
      new EnumMap<>(
          Map.of(CacheMode.KV_G, 367, CacheMode.KV, 424, CacheMode.G, 327, CacheMode.NONE, 944));

  @Test
  void decodingStepsExecuteTheDocumentedNodeCounts() {
    ModelConfig config = SmallShape.config(64);
    try (CachedDecoder decoder = new CachedDecoder(Specs.of(config))) {
      try (ModelGraph g = new ModelGraph(Specs.of(config))) {
        decoder.load(g.initialValues(7));
      }
      long[] row = {1, 17, 42, 99, 7, 300, 5, 8, 21};
      long[][] prompt = {Arrays.copyOf(row, 8)};
      long[][] next = {row};
      try (DecodeState state = decoder.prefill(prompt).state()) {
        Map<CacheMode, Integer> before = counts(decoder, state, next);
        DeductiveTensors all = decoder.deductive(row);
        assertThat(all.layers()).hasSize(4);
        assertThat(counts(decoder, state, next)).isEqualTo(before).isEqualTo(DOCUMENTED);
      }
    }
  }

  private static Map<CacheMode, Integer> counts(
      CachedDecoder decoder, DecodeState state, long[][] next) {
    Map<CacheMode, Integer> n = new EnumMap<>(CacheMode.class);
    for (CacheMode mode : CacheMode.values()) {
      n.put(mode, decoder.executedNodes(state, next, mode).size());
    }
    return n;
  }
}
