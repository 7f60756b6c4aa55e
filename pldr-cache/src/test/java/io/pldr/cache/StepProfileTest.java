package io.pldr.cache;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.WeightFormat;
import io.pldr.tf.testing.Specs;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check: where one {@code kv_g} step of {@code bench decode}'s small shape spends its time,
 * at batch 1 and 16 (prompt 128, steps at 140 to 160 positions), from TensorFlow's trace summed per
 * operation type and per node. Runs only with {@code -Dpldr.bench=true}; {@code
 * -Dpldr.profile.weights=bfloat16|int8} profiles reduced weights, {@code -Dpldr.profile.paper=true}
 * the paper's shape at batch 1.
 */
@EnabledIfSystemProperty(named = "pldr.bench", matches = "true")
class StepProfileTest {
  @Test
  void profile() {
    boolean paper = Boolean.getBoolean("pldr.profile.paper");
    ModelConfig config = paper ? paperConfig() : SmallShape.config(256);
    WeightFormat weights =
        WeightFormat.fromId(System.getProperty("pldr.profile.weights", "float32"));
    try (CachedDecoder decoder = new CachedDecoder(Specs.of(config), weights)) {
      decoder.load(decoder.initialValues(1));
      SplittableRandom random = new SplittableRandom(3);
      for (int b : paper ? new int[] {1} : new int[] {1, 16}) {
        long[][] rows = new long[b][160];
        for (long[] r : rows) for (int j = 0; j < r.length; j++) r[j] = 4 + random.nextInt(4000);
        long[][] prompt = new long[b][];
        for (int i = 0; i < b; i++) prompt[i] = java.util.Arrays.copyOf(rows[i], 128);
        CachedDecoder.Step s = decoder.prefill(prompt);
        DecodeState st = s.state();
        Map<String, Long> sum = new HashMap<>();
        int n0 = 129;
        for (int n = n0; n < 160; n++) {
          long[][] sofar = new long[b][];
          for (int i = 0; i < b; i++) sofar[i] = java.util.Arrays.copyOf(rows[i], n);
          if (n > n0 + 10)
            decoder
                .nodeMicros(st, sofar, CacheMode.KV_G)
                .forEach((k, v) -> sum.merge(k, v, Long::sum));
          s = decoder.step(st, sofar, CacheMode.KV_G);
          st = s.state();
        }
        st.close();
        long total = sum.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("batch %d: total node micros per step %.0f%n", b, total / 20.0);
        Map<String, Long> byOp = new HashMap<>();
        sum.forEach(
            (k, v) ->
                byOp.merge(
                    k.contains("= ") ? k.substring(k.indexOf("= ") + 2).split("\\(")[0] : "?",
                    v,
                    Long::sum));
        print("op", byOp);
        print("node", sum);
      }
    }
  }

  /** The paper's shape ({@code bench decode}'s help), with a context of 256. */
  private static ModelConfig paperConfig() {
    return io.pldr.api.config.ModelConfigs.validate(
        SmallShape.config(256).toBuilder()
            .setNumLayers(5)
            .setDModel(896)
            .setNumHeads(14)
            .setDff(2389)
            .setVocabSize(32000)
            .setADff(170)
            .setNumReslayerA(8)
            .build(),
        "paper");
  }

  /** The 15 largest entries of {@code micros} (summed over 20 traced steps), per step. */
  private static void print(String kind, Map<String, Long> micros) {
    micros.entrySet().stream()
        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .limit(15)
        .forEach(
            e ->
                System.out.printf(
                    "  %s %-60s %8.0f us/step%n", kind, e.getKey(), e.getValue() / 20.0));
  }
}
