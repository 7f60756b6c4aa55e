package io.pldr.cache;

import io.pldr.api.cache.CacheMode;
import io.pldr.cache.generate.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
      double firstTokenSeconds,
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
    return compare(List.of(decoder), mode, promptLength, newTokens, warmup, rounds, seed).get(0);
  }

  /**
   * Measures several decoders of one model shape side by side (say, its weight formats): the same
   * random prompt, {@code warmup} untimed generations each, then {@code rounds} rounds in which
   * every decoder makes one timed generation in turn, so that the machine's drifts reach them
   * alike. Returns each decoder's median generation (by decoding time), in order.
   */
  public static List<Measurement> compare(
      List<CachedDecoder> decoders,
      CacheMode mode,
      int promptLength,
      int newTokens,
      int warmup,
      int rounds,
      long seed) {
    int vocab = decoders.get(0).config().getVocabSize();
    SplittableRandom random = new SplittableRandom(seed);
    long[] prompt = new long[promptLength];
    for (int i = 0; i < promptLength; i++) {
      prompt[i] = 1 + random.nextInt(vocab - 1);
    }
    for (CachedDecoder decoder : decoders) {
      for (int round = 0; round < warmup; round++) {
        generate(decoder, mode, prompt, newTokens);
      }
    }
    List<List<Measurement>> timed = new ArrayList<>();
    decoders.forEach(d -> timed.add(new ArrayList<>()));
    for (int round = 0; round < Math.max(1, rounds); round++) {
      for (int i = 0; i < decoders.size(); i++) {
        timed.get(i).add(generate(decoders.get(i), mode, prompt, newTokens));
      }
    }
    List<Measurement> medians = new ArrayList<>();
    for (List<Measurement> t : timed) {
      t.sort(Comparator.comparingDouble(Measurement::decodeSeconds));
      medians.add(t.get(t.size() / 2));
    }
    return medians;
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
    long first = 0;
    DecodeState state = s.state();
    try {
      for (int j = 0; j < newTokens; j++) {
        row[prompt.length + j] = Sampler.argMax(s.logits(), 0);
        if (j == 0) {
          first = System.nanoTime();
        }
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
        mode,
        prompt.length,
        newTokens,
        (t1 - t0) / 1e9,
        (first - t0) / 1e9,
        (t2 - t1) / 1e9,
        (c2 - c1) / 1e9);
  }
}
