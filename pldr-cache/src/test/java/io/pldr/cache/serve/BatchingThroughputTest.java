package io.pldr.cache.serve;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.SmallShape;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.tf.testing.Specs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check: aggregate tokens/s of the engine with 1 and with 16 concurrent greedy requests on
 * {@code bench decode}'s small shape (random weights, 128-token prompts, 64 new tokens). Runs only
 * with {@code -Dpldr.bench=true}.
 */
@EnabledIfSystemProperty(named = "pldr.bench", matches = "true")
class BatchingThroughputTest {
  private static final int PROMPT = 128;
  private static final int NEW = 64;

  /** Ids as numbers; no text of its own. */
  private static final class IdTokenizer implements Tokenizer {
    @Override
    public int vocabSize() {
      return 4096;
    }

    @Override
    public SpecialTokens specialTokens() {
      return SpecialTokens.defaults();
    }

    @Override
    public int[] encode(String text) {
      return new int[0];
    }

    @Override
    public String decode(int[] ids) {
      StringBuilder b = new StringBuilder();
      for (int id : ids) {
        b.append(id).append(' ');
      }
      return b.toString();
    }

    @Override
    public void close() {}
  }

  @Test
  void oneAgainstSixteenConcurrentRequests() throws Exception {
    ModelConfig config = SmallShape.config(PROMPT + 32 + NEW);
    try (CachedDecoder decoder = new CachedDecoder(Specs.of(config))) {
      decoder.load(decoder.initialValues(1));
      SplittableRandom random = new SplittableRandom(3);
      try (BatchingEngine engine =
          new BatchingEngine(decoder, new IdTokenizer(), Optional.empty(), 16, 64)) {
        // warm up the JIT and TensorFlow's executors for both batch shapes
        run(engine, random, 1, 6, 0);
        run(engine, random, 16, 1, 0);
        double one = run(engine, random, 1, 4, 0);
        double sixteen = run(engine, random, 16, 2, 0);
        double ragged = run(engine, random, 16, 2, 32);
        System.out.printf(
            "engine, kv_g, prompt %d, %d new tokens: 1 request %.1f tokens/s, 16 concurrent %.1f"
                + " tokens/s, ratio %.2f; 16 concurrent of prompts %d ± 32: %.1f tokens/s%n",
            PROMPT, NEW, one, sixteen, sixteen / one, PROMPT, ragged);
      }
      Raw[] last = new Raw[17];
      for (int b : new int[] {1, 16, 1, 16}) {
        last[b] = raw(decoder, random, b);
      }
      // per request: its prompt pass, then NEW steps (shared by 16 rows at batch 16)
      double alone = last[1].promptMs() + NEW * last[1].stepMs();
      double shared = last[16].promptMs() / 16 + NEW * last[16].stepMs() / 16;
      double perfect = last[16].promptMs() / 16 + NEW * last[1].stepMs() / 16;
      System.out.printf(
          "ceiling of 16 requests over 1 from the decoder's own passes: %.2f× (a batch-16 step"
              + " as measured), %.2f× (were a batch-16 step as fast as a batch-1 step)%n",
          alone / shared, alone / perfect);
    }
  }

  /** One prompt pass of b rows and the mean step after it, in milliseconds. */
  private record Raw(double promptMs, double stepMs) {}

  /** The decoder alone: one prompt pass of b equal-length rows, then steps; times printed. */
  private static Raw raw(CachedDecoder decoder, SplittableRandom random, int b) {
    long[][] rows = new long[b][PROMPT + NEW];
    for (long[] r : rows) {
      for (int j = 0; j < r.length; j++) {
        r[j] = 4 + random.nextInt(4096 - 4);
      }
    }
    long[][] prompt = new long[b][];
    for (int i = 0; i < b; i++) {
      prompt[i] = java.util.Arrays.copyOf(rows[i], PROMPT);
    }
    long t0 = System.nanoTime();
    CachedDecoder.Step s = decoder.prefill(prompt);
    long t1 = System.nanoTime();
    io.pldr.cache.DecodeState state = s.state();
    for (int n = PROMPT + 1; n < PROMPT + NEW; n++) {
      long[][] sofar = new long[b][];
      for (int i = 0; i < b; i++) {
        sofar[i] = java.util.Arrays.copyOf(rows[i], n);
      }
      s = decoder.step(state, sofar, CacheMode.KV_G);
      state = s.state();
    }
    long t2 = System.nanoTime();
    state.close();
    System.out.printf(
        "decoder alone, batch %d: prompt pass %.1f ms, %.2f ms per step, %.1f tokens/s in steps%n",
        b, (t1 - t0) / 1e6, (t2 - t1) / 1e6 / (NEW - 1), b * (NEW - 1) / ((t2 - t1) / 1e9));
    return new Raw((t1 - t0) / 1e6, (t2 - t1) / 1e6 / (NEW - 1));
  }

  /** {@code rounds} rounds of {@code concurrent} requests submitted at once: tokens/s. */
  private static double run(
      BatchingEngine engine, SplittableRandom random, int concurrent, int rounds, int spread)
      throws Exception {
    long tokens = 0;
    long t0 = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      List<CompletableFuture<Completion>> done = new ArrayList<>();
      for (int i = 0; i < concurrent; i++) {
        long[] prompt =
            new long[spread == 0 ? PROMPT : PROMPT - spread + random.nextInt(2 * spread + 1)];
        for (int j = 0; j < prompt.length; j++) {
          prompt[j] = 4 + random.nextInt(4096 - 4);
        }
        CompletableFuture<Completion> f = new CompletableFuture<>();
        done.add(f);
        engine.submit(
            new CompletionRequest(prompt, SamplingConfig.greedy(NEW), CacheMode.KV_G),
            new CompletionListener() {
              @Override
              public void onToken(GeneratedToken token) {}

              @Override
              public void onComplete(Completion completion) {
                f.complete(completion);
              }

              @Override
              public void onError(Throwable error) {
                f.completeExceptionally(error);
              }
            });
      }
      for (CompletableFuture<Completion> f : done) {
        tokens += f.get(10, TimeUnit.MINUTES).tokens().size();
      }
    }
    return tokens / ((System.nanoTime() - t0) / 1e9);
  }
}
