package io.pldr.cache;

import io.pldr.api.cache.CacheMode;
import io.pldr.cache.generate.Sampler;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Greedy decoding speed of a model on random weights: a random prompt, then new tokens one by one
 * in a cache mode. Decoding tokens/s counts only the steps after the prompt pass; the median of
 * several timed generations is reported.
 */
public final class DecodeBenchmark {
  /** What one run measured. */
  public record Measurement(
      CacheMode mode,
      int promptLength,
      int newTokens,
      double prefillSeconds,
      double decodeSeconds,
      double decodeCpuSeconds) {
    /** New tokens per second of decoding. */
    public double tokensPerSecond() {
      return newTokens / decodeSeconds;
    }

    /** Milliseconds per decoding step. */
    public double msPerToken() {
      return 1e3 * decodeSeconds / newTokens;
    }

    /**
     * CPU milliseconds of the decoding thread per step: with decoding sessions running their
     * operations in the caller's thread and one intra-op thread this is the step's whole work, and,
     * unlike wall time, it does not move with what else the machine does.
     */
    public double cpuMsPerToken() {
      return 1e3 * decodeCpuSeconds / newTokens;
    }
  }

  private DecodeBenchmark() {}

  /**
   * Runs {@code warmup} untimed generations, then {@code rounds} timed ones, and returns the one
   * with the median decoding time.
   */
  public static Measurement run(
      CachedDecoder decoder,
      CacheMode mode,
      int promptLength,
      int newTokens,
      int warmup,
      int rounds,
      long seed) {
    int vocab = decoder.config().getVocabSize();
    SplittableRandom random = new SplittableRandom(seed);
    long[] prompt = new long[promptLength];
    for (int i = 0; i < promptLength; i++) {
      prompt[i] = 1 + random.nextInt(vocab - 1);
    }
    for (int round = 0; round < warmup; round++) {
      generate(decoder, mode, prompt, newTokens);
    }
    java.util.List<Measurement> timed = new java.util.ArrayList<>();
    for (int round = 0; round < Math.max(1, rounds); round++) {
      timed.add(generate(decoder, mode, prompt, newTokens));
    }
    timed.sort(java.util.Comparator.comparingDouble(Measurement::decodeSeconds));
    return timed.get(timed.size() / 2);
  }

  private static Measurement generate(
      CachedDecoder decoder, CacheMode mode, long[] prompt, int newTokens) {
    long[] row = Arrays.copyOf(prompt, prompt.length + newTokens);
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = System.nanoTime();
    CachedDecoder.Step s = decoder.prefill(new long[][] {prompt});
    long t1 = System.nanoTime();
    long c1 = threads.getCurrentThreadCpuTime();
    DecodeState state = s.state();
    try {
      for (int j = 0; j < newTokens; j++) {
        row[prompt.length + j] = Sampler.argMax(s.logits(), 0);
        if (j == newTokens - 1) {
          break;
        }
        s = decoder.step(state, new long[][] {Arrays.copyOf(row, prompt.length + j + 1)}, mode);
        state = s.state();
      }
    } finally {
      state.close();
    }
    long t2 = System.nanoTime();
    long c2 = threads.getCurrentThreadCpuTime();
    return new Measurement(
        mode, prompt.length, newTokens, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (c2 - c1) / 1e9);
  }
}
