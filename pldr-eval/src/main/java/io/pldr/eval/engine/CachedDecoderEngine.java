package io.pldr.eval.engine;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Log-likelihoods from a {@link CachedDecoder}, tokenised and truncated as lm-evaluation-harness
 * does for causal models ({@link EncodedRequest}), in one of two settings:
 *
 * <ul>
 *   <li>with G-cache: one prompt pass per distinct prompt (its keys, values, A_LM and G_LM computed
 *       once), then each of its distinct continuations in one {@code kv_g} pass from those caches:
 *       the continuation's tokens attend with the prompt's G_LM;
 *   <li>without: each distinct input (prompt, then the continuation but its last token) in one full
 *       pass (mode {@code none}), A_LM and G_LM computed from that whole input, which is the
 *       harness's single forward pass; inputs of equal length share a batch (no padding, which
 *       would enter A_LM).
 * </ul>
 *
 * Requests that read the same input (the choices of one context that are one token long) share one
 * pass in both settings.
 */
public final class CachedDecoderEngine implements LoglikelihoodEngine {
  /**
   * {@code gCache}: the setting; {@code batchSize}: rows per uncached pass; {@code addBos}: prefix
   * every context with BOS (the harness's {@code add_bos_token}).
   */
  public record Options(boolean gCache, int batchSize, boolean addBos) {
    public Options {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
    }
  }

  private final CachedDecoder decoder;
  private final Tokenizer tokenizer;
  private final Options options;
  private final int vocab;

  public CachedDecoderEngine(CachedDecoder decoder, Tokenizer tokenizer, Options options) {
    this.decoder = decoder;
    this.tokenizer = tokenizer;
    this.options = options;
    this.vocab = decoder.config().getVocabSize();
  }

  /** The setting's name in reports: {@code g_cache} or {@code no_cache}. */
  public String setting() {
    return options.gCache() ? "g_cache" : "no_cache";
  }

  @Override
  public List<Loglikelihood> loglikelihood(List<LoglikelihoodRequest> requests) {
    List<EncodedRequest> encoded = new ArrayList<>();
    for (LoglikelihoodRequest r : requests) {
      encoded.add(
          EncodedRequest.of(r, tokenizer, options.addBos(), decoder.config().getMaxSeqLen()));
    }
    Loglikelihood[] out = new Loglikelihood[encoded.size()];
    if (options.gCache()) {
      withGCache(encoded, out);
    } else {
      withoutCache(encoded, out);
    }
    return List.of(out);
  }

  private void withGCache(List<EncodedRequest> encoded, Loglikelihood[] out) {
    Map<Ids, Map<Ids, List<Integer>>> byPrompt = new LinkedHashMap<>();
    for (int i = 0; i < encoded.size(); i++) {
      EncodedRequest e = encoded.get(i);
      byPrompt
          .computeIfAbsent(new Ids(e.prompt()), k -> new LinkedHashMap<>())
          .computeIfAbsent(new Ids(e.continuation()), k -> new ArrayList<>())
          .add(i);
    }
    for (Map.Entry<Ids, Map<Ids, List<Integer>>> group : byPrompt.entrySet()) {
      long[] prompt = group.getKey().ids();
      CachedDecoder.Step first = decoder.prefill(new long[][] {prompt});
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
          Loglikelihood ll = score(logits, 0, cont);
          c.getValue().forEach(i -> out[i] = ll);
        }
      }
    }
  }

  private void withoutCache(List<EncodedRequest> encoded, Loglikelihood[] out) {
    Map<Ids, List<Integer>> byInput = new LinkedHashMap<>();
    for (int i = 0; i < encoded.size(); i++) {
      byInput.computeIfAbsent(new Ids(encoded.get(i).input()), k -> new ArrayList<>()).add(i);
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
            long[] cont = encoded.get(i).continuation();
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
  private Loglikelihood score(double[] logits, int offset, long[] continuation) {
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
    return new Loglikelihood(sum, greedy, continuation.length);
  }

  /** Token ids as a map key. */
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
