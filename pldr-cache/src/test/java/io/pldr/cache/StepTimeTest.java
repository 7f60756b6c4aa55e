package io.pldr.cache;

import io.pldr.api.cache.CacheMode;
import io.pldr.tf.testing.Specs;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check: the wall time of {@code kv_g} steps of {@code bench decode}'s small shape at batch 1
 * and 16, after a prompt of {@code -Dpldr.prompt} tokens (128 by default): 64 steps, the last 56
 * timed, three repetitions (the third is warm). Runs only with {@code -Dpldr.bench=true}; prints
 * "RESULT batch B: N us/step" lines (docs/benchmarks.md, "In-place KV-cache").
 */
@EnabledIfSystemProperty(named = "pldr.bench", matches = "true")
class StepTimeTest {
  @Test
  void time() {
    int prompt = Integer.getInteger("pldr.prompt", 128);
    try (CachedDecoder decoder = new CachedDecoder(Specs.of(SmallShape.config(prompt + 64)))) {
      decoder.load(decoder.initialValues(1));
      SplittableRandom random = new SplittableRandom(3);
      for (int repetition = 0; repetition < 3; repetition++) {
        for (int b : new int[] {1, 16}) {
          long[][] rows = new long[b][prompt + 64];
          for (long[] r : rows) {
            for (int j = 0; j < r.length; j++) {
              r[j] = 4 + random.nextInt(4000);
            }
          }
          long[][] prompts = new long[b][];
          for (int i = 0; i < b; i++) {
            prompts[i] = Arrays.copyOf(rows[i], prompt);
          }
          DecodeState state = decoder.prefill(prompts).state();
          long start = 0;
          for (int n = prompt + 1; n <= prompt + 64; n++) {
            if (n == prompt + 9) {
              start = System.nanoTime();
            }
            long[][] sofar = new long[b][];
            for (int i = 0; i < b; i++) {
              sofar[i] = Arrays.copyOf(rows[i], n);
            }
            state = decoder.step(state, sofar, CacheMode.KV_G).state();
          }
          double micros = (System.nanoTime() - start) / 1e3 / 56;
          state.close();
          System.out.printf("RESULT batch %d: %.0f us/step%n", b, micros);
        }
      }
    }
  }
}
