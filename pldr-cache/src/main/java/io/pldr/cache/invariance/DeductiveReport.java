package io.pldr.cache.invariance;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import io.pldr.cache.generate.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's invariance measurements of the deductive outputs, per layer and head, in float64:
 * how much A_LM and G_LM change between different prompts (RMSE over all prompt pairs), their
 * determinants (sign and log|det|, mean over prompts), and how far the G_LM a cached run keeps
 * from its prompt is from the one an uncached run computes after the same continuation.
 */
public final class DeductiveReport {
  /** One layer and head. */
  public record Row(int layer, int head, double rmseALmAcrossPrompts,
      double rmseGLmAcrossPrompts, double meanLogAbsDetALm, double meanLogAbsDetGLm,
      double negativeDetGLmShare, double rmseGLmCachedVsUncached) {}

  private DeductiveReport() {}

  /**
   * Measures {@code decoder} (float64 recommended) on prompts given as token rows, each continued
   * by {@code continuation} greedy tokens for the cached-versus-uncached comparison.
   */
  public static List<Row> measure(CachedDecoder decoder, List<long[]> prompts, int continuation) {
    int layers = decoder.config().getNumLayers();
    int h = decoder.config().getNumHeads();
    int d = decoder.config().getDModel() / h;
    List<List<LayerDeductive>> perPrompt = new ArrayList<>();
    List<List<LayerDeductive>> uncached = new ArrayList<>();
    for (long[] prompt : prompts) {
      CachedDecoder.Step s = decoder.prefill(new long[][] {prompt});
      perPrompt.add(decoder.deductive(s.state()));
      long[] row = Arrays.copyOf(prompt, prompt.length + continuation);
      DecodeState state = s.state();
      for (int j = 0; j < continuation; j++) {
        row[prompt.length + j] = Sampler.argMax(s.logits(), 0);
        if (j < continuation - 1) {
          s = decoder.step(state, new long[][] {Arrays.copyOf(row, prompt.length + j + 1)},
              CacheMode.KV_G);
          state = s.state();
        }
      }
      state.close();
      try (DecodeState full = decoder.prefill(new long[][] {row}).state()) {
        uncached.add(decoder.deductive(full));
      }
    }
    List<Row> rows = new ArrayList<>();
    try (Determinants det = new Determinants()) {
      for (int l = 0; l < layers; l++) {
        double[][] logDetA = new double[prompts.size()][];
        double[][] logDetG = new double[prompts.size()][];
        double[][] signG = new double[prompts.size()][];
        for (int p = 0; p < prompts.size(); p++) {
          logDetA[p] = det.of(perPrompt.get(p).get(l).aLm())[1].toDoubleArray();
          HostTensor[] g = det.of(perPrompt.get(p).get(l).gLm());
          signG[p] = g[0].toDoubleArray();
          logDetG[p] = g[1].toDoubleArray();
        }
        for (int head = 0; head < h; head++) {
          double rmseA = 0;
          double rmseG = 0;
          int pairs = 0;
          for (int i = 0; i < prompts.size(); i++) {
            for (int j = i + 1; j < prompts.size(); j++) {
              rmseA += rmse(perPrompt.get(i).get(l).aLm(), perPrompt.get(j).get(l).aLm(), head, d);
              rmseG += rmse(perPrompt.get(i).get(l).gLm(), perPrompt.get(j).get(l).gLm(), head, d);
              pairs++;
            }
          }
          double cached = 0;
          double la = 0;
          double lg = 0;
          double neg = 0;
          for (int p = 0; p < prompts.size(); p++) {
            cached += rmse(perPrompt.get(p).get(l).gLm(), uncached.get(p).get(l).gLm(), head, d);
            la += logDetA[p][head];
            lg += logDetG[p][head];
            neg += signG[p][head] < 0 ? 1 : 0;
          }
          int n = prompts.size();
          rows.add(new Row(l, head, pairs == 0 ? Double.NaN : rmseA / pairs,
              pairs == 0 ? Double.NaN : rmseG / pairs, la / n, lg / n, neg / n, cached / n));
        }
      }
    }
    return rows;
  }

  /** RMSE between head {@code head} of two {@code [1, H, d, d]} tensors. */
  static double rmse(HostTensor a, HostTensor b, int head, int d) {
    double s = 0;
    int base = head * d * d;
    for (int i = 0; i < d * d; i++) {
      double x = a.get(base + i) - b.get(base + i);
      s += x * x;
    }
    return Math.sqrt(s / (d * d));
  }
}
