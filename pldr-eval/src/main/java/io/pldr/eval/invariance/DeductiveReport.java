package io.pldr.eval.invariance;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import io.pldr.cache.generate.Sampler;
import io.pldr.eval.metric.LogDeterminant;
import io.pldr.eval.metric.Rmse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's invariance measurements of the deductive outputs, per layer and head, in float64: how
 * much A_LM and G_LM change between different prompts (RMSE over all prompt pairs), their
 * determinants (sign and log|det|, mean over prompts), and how far the G_LM a cached run keeps from
 * its prompt is from the one an uncached run computes after the same continuation. RMSE and
 * determinants are pldr-eval's {@link Rmse} and {@link LogDeterminant}.
 */
public final class DeductiveReport {
  /** One layer and head. */
  public record Row(
      int layer,
      int head,
      double rmseALmAcrossPrompts,
      double rmseGLmAcrossPrompts,
      double meanLogAbsDetALm,
      double meanLogAbsDetGLm,
      double negativeDetGLmShare,
      double rmseGLmCachedVsUncached) {}

  private DeductiveReport() {}

  /**
   * Measures {@code decoder} (float64 recommended) on prompts given as token rows, each continued
   * by {@code continuation} greedy tokens for the cached-versus-uncached comparison.
   */
  public static List<Row> measure(CachedDecoder decoder, List<long[]> prompts, int continuation) {
    List<List<LayerDeductive>> perPrompt = new ArrayList<>();
    List<List<LayerDeductive>> uncached = new ArrayList<>();
    for (long[] prompt : prompts) {
      CachedDecoder.Step s = decoder.prefill(new long[][] {prompt});
      perPrompt.add(s.state().gCache().layers());
      long[] row = Arrays.copyOf(prompt, prompt.length + continuation);
      DecodeState state = s.state();
      for (int j = 0; j < continuation; j++) {
        row[prompt.length + j] = Sampler.argMax(s.logits(), 0);
        if (j < continuation - 1) {
          s =
              decoder.step(
                  state, new long[][] {Arrays.copyOf(row, prompt.length + j + 1)}, CacheMode.KV_G);
          state = s.state();
        }
      }
      state.close();
      try (DecodeState full = decoder.prefill(new long[][] {row}).state()) {
        uncached.add(full.gCache().layers());
      }
    }
    return rows(perPrompt, uncached);
  }

  /**
   * The rows for each prompt's deductive outputs per layer ({@code [1, H, d, d]}) and the uncached
   * ones after its continuation.
   */
  static List<Row> rows(List<List<LayerDeductive>> perPrompt, List<List<LayerDeductive>> uncached) {
    int n = perPrompt.size();
    long[] dims = perPrompt.get(0).get(0).aLm().shape().dims();
    int heads = (int) dims[dims.length - 3];
    Shape matrix = Shape.of(dims[dims.length - 2], dims[dims.length - 1]);
    List<Row> rows = new ArrayList<>();
    for (int l = 0; l < perPrompt.get(0).size(); l++) {
      double[][][] a = new double[n][][];
      double[][][] g = new double[n][][];
      double[][][] gUncached = new double[n][][];
      for (int p = 0; p < n; p++) {
        a[p] = heads(perPrompt.get(p).get(l).aLm(), heads);
        g[p] = heads(perPrompt.get(p).get(l).gLm(), heads);
        gUncached[p] = heads(uncached.get(p).get(l).gLm(), heads);
      }
      for (int head = 0; head < heads; head++) {
        double rmseA = 0;
        double rmseG = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            rmseA += rmse(a[i][head], a[j][head]);
            rmseG += rmse(g[i][head], g[j][head]);
            pairs++;
          }
        }
        double cached = 0;
        LogDeterminant detA = new LogDeterminant("log|det A_LM|");
        LogDeterminant detG = new LogDeterminant("log|det G_LM|");
        for (int p = 0; p < n; p++) {
          cached += rmse(g[p][head], gUncached[p][head]);
          detA.update(HostTensor.wrap(DType.FLOAT64, matrix, a[p][head]));
          detG.update(HostTensor.wrap(DType.FLOAT64, matrix, g[p][head]));
        }
        rows.add(
            new Row(
                l,
                head,
                pairs == 0 ? Double.NaN : rmseA / pairs,
                pairs == 0 ? Double.NaN : rmseG / pairs,
                detA.result(),
                detG.result(),
                detG.negativeShare(),
                cached / n));
      }
    }
    return rows;
  }

  /** The {@code heads} matrices of a {@code [1, H, d, d]} tensor, each row-major. */
  private static double[][] heads(HostTensor t, int heads) {
    double[] values = t.toDoubleArray();
    int size = values.length / heads;
    double[][] out = new double[heads][];
    for (int h = 0; h < heads; h++) {
      out[h] = Arrays.copyOfRange(values, h * size, (h + 1) * size);
    }
    return out;
  }

  private static double rmse(double[] x, double[] y) {
    Rmse r = new Rmse("rmse");
    r.update(x, y);
    return r.result();
  }
}
