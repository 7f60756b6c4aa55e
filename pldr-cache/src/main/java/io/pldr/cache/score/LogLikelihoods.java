package io.pldr.cache.score;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Log-likelihoods of continuations from a {@link CachedDecoder}, in one of two settings:
 *
 * <ul>
 *   <li>with G-cache: one prompt pass per distinct prompt (its keys, values, A_LM and G_LM computed
 *       once), then each of its distinct continuations in one {@code kv_g} pass from those caches:
 *       the continuation's tokens attend with the prompt's G_LM;
 *   <li>with a fixed G-cache (a {@link GCache} given, e.g. from a G-cache file, in the setting with
 *       G-cache): as with G-cache, but every prompt pass and continuation uses that one A_LM and
 *       G_LM, whatever the prompt (the PLDR-LLM paper's evaluation with a G-cache);
 *   <li>without: each distinct input (prompt, then the continuation but its last token) in one full
 *       pass (mode {@code none}), A_LM and G_LM computed from that whole input; inputs of equal
 *       length share a batch (no padding, which would enter A_LM).
 * </ul>
 *
 * Requests that read the same input share one pass in both settings. Safe for concurrent use.
 */
public final class LogLikelihoods {
  /** {@code gCache}: the setting; {@code batchSize}: rows per uncached pass. */
  public record Options(boolean gCache, int batchSize) {
    public Options {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
    }
  }

  private final CachedDecoder decoder;
  private final Options options;
  private final Optional<GCache> fixed;
  private final int vocab;

  public LogLikelihoods(CachedDecoder decoder, Options options) {
    this(decoder, options, Optional.empty());
  }

  /**
   * With {@code fixed} present and {@code options.gCache()}, every request is scored with that
   * G-cache; without G-cache a fixed one is refused (the setting computes A_LM and G_LM itself).
   */
  public LogLikelihoods(CachedDecoder decoder, Options options, Optional<GCache> fixed) {
    if (fixed.isPresent() && !options.gCache()) {
      throw new IllegalArgumentException("a fixed G-cache needs the setting with G-cache");
    }
    this.decoder = decoder;
    this.options = options;
    this.fixed = fixed;
    this.vocab = decoder.config().getVocabSize();
  }

  /** One score per request, in the requests' order. */
  public List<Score> score(List<TokenRequest> requests) {
    int maxLen = decoder.config().getMaxSeqLen();
    for (TokenRequest r : requests) {
      int fed = r.promptIds().length + r.continuationIds().length - 1;
      if (fed > maxLen) {
        throw new IllegalArgumentException(
            "a request feeds "
                + fed
                + " tokens (prompt and continuation but its last), more than the model's context"
                + " of "
                + maxLen);
      }
    }
    Score[] out = new Score[requests.size()];
    if (options.gCache()) {
      withGCache(requests, out);
    } else {
      withoutCache(requests, out);
    }
    return List.of(out);
  }

  private void withGCache(List<TokenRequest> requests, Score[] out) {
    Map<Ids, Map<Ids, List<Integer>>> byPrompt = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      TokenRequest r = requests.get(i);
      byPrompt
          .computeIfAbsent(new Ids(r.promptIds()), k -> new LinkedHashMap<>())
          .computeIfAbsent(new Ids(r.continuationIds()), k -> new ArrayList<>())
          .add(i);
    }
    for (Map.Entry<Ids, Map<Ids, List<Integer>>> group : byPrompt.entrySet()) {
      long[] prompt = group.getKey().ids();
      long[][] rows = {prompt};
      CachedDecoder.Step first =
          fixed.isPresent() ? decoder.prefill(rows, fixed.get()) : decoder.prefill(rows);
      try (DecodeState state = first.state()) {
        double[] firstLogits = first.logits().toDoubleArray();
        for (Map.Entry<Ids, List<Integer>> c : group.getValue().entrySet()) {
          long[] cont = c.getKey().ids();
          double[] logits = firstLogits;
          if (cont.length > 1) {
            long[] row = Arrays.copyOf(prompt, prompt.length + cont.length - 1);
            System.arraycopy(cont, 0, row, prompt.length, cont.length - 1);
            double[] rest =
                decoder.logits(state, new long[][] {row}, CacheMode.KV_G).toDoubleArray();
            logits = Arrays.copyOf(firstLogits, cont.length * vocab);
            System.arraycopy(rest, 0, logits, vocab, rest.length);
          }
          Score s = score(logits, 0, cont);
          c.getValue().forEach(i -> out[i] = s);
        }
      }
    }
  }

  private void withoutCache(List<TokenRequest> requests, Score[] out) {
    Map<Ids, List<Integer>> byInput = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      byInput.computeIfAbsent(new Ids(requests.get(i).input()), k -> new ArrayList<>()).add(i);
    }
    Map<Integer, List<Ids>> byLength = new TreeMap<>();
    for (Ids input : byInput.keySet()) {
      byLength.computeIfAbsent(input.ids().length, k -> new ArrayList<>()).add(input);
    }
    for (Map.Entry<Integer, List<Ids>> same : byLength.entrySet()) {
      int length = same.getKey();
      List<Ids> inputs = same.getValue();
      for (int from = 0; from < inputs.size(); from += options.batchSize()) {
        List<Ids> batch = inputs.subList(from, Math.min(inputs.size(), from + options.batchSize()));
        long[][] rows = batch.stream().map(Ids::ids).toArray(long[][]::new);
        double[] logits = decoder.logits(rows).toDoubleArray();
        for (int b = 0; b < batch.size(); b++) {
          for (int i : byInput.get(batch.get(b))) {
            long[] cont = requests.get(i).continuationIds();
            out[i] = score(logits, (b * length + length - cont.length) * vocab, cont);
          }
        }
      }
    }
  }

  /**
   * The continuation's summed log-probability and whether each token is the arg-max, from
   * consecutive rows of logits {@code [*, V]} starting at {@code offset}, one row per token.
   */
  private Score score(double[] logits, int offset, long[] continuation) {
    double sum = 0;
    boolean greedy = true;
    for (int j = 0; j < continuation.length; j++) {
      int row = offset + j * vocab;
      int best = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        if (logits[row + v] > max) {
          max = logits[row + v];
          best = v;
        }
      }
      double z = 0;
      for (int v = 0; v < vocab; v++) {
        z += Math.exp(logits[row + v] - max);
      }
      int target = (int) continuation[j];
      sum += logits[row + target] - max - Math.log(z);
      greedy &= best == target;
    }
    return new Score(sum, greedy, continuation.length);
  }

  /** Token ids as a map key. */
  @SuppressWarnings("ArrayRecordComponent") // equality and hash code by content, below
  private record Ids(long[] ids) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Ids other && Arrays.equals(ids, other.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
      return Arrays.toString(ids);
    }
  }
}
