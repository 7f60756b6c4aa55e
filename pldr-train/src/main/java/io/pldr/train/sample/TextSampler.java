package io.pldr.train.sample;

import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Samples text from a model, recomputing the whole sequence for every new token (no cache):
 * the simple way to show what a freshly trained model writes. Temperature, then top-k, then a
 * draw from a seeded generator; stops at end-of-text or after {@code maxNewTokens}.
 */
public final class TextSampler {
  private final PldrModel model;
  private final Tokenizer tokenizer;
  private final SplittableRandom random;

  public TextSampler(PldrModel model, Tokenizer tokenizer, long seed) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.random = new SplittableRandom(seed);
  }

  /** The prompt followed by up to {@code maxNewTokens} sampled tokens, as text. */
  public String generate(String prompt, int maxNewTokens, double temperature, int topK) {
    List<Integer> ids = new ArrayList<>();
    ids.add(tokenizer.specialTokens().bos());
    for (int id : tokenizer.encode(prompt)) {
      ids.add(id);
    }
    int promptLength = ids.size();
    int maxLen = model.config().getMaxSeqLen();
    int vocab = model.config().getVocabSize();
    for (int n = 0; n < maxNewTokens; n++) {
      int from = Math.max(0, ids.size() - maxLen);
      long[] row = ids.subList(from, ids.size()).stream().mapToLong(Integer::longValue).toArray();
      HostTensor logits = model.forward(new long[][] {row}).logits();
      int last = (row.length - 1) * vocab;
      double[] scores = new double[vocab];
      for (int v = 0; v < vocab; v++) {
        scores[v] = logits.get(last + v) / temperature;
      }
      int next = draw(scores, topK);
      if (next == tokenizer.specialTokens().eos()) {
        break;
      }
      ids.add(next);
    }
    int[] all = ids.stream().mapToInt(Integer::intValue).toArray();
    return prompt + tokenizer.decode(Arrays.copyOfRange(all, promptLength, all.length));
  }

  private int draw(double[] scores, int topK) {
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    double threshold = topK > 0 && topK < scores.length ? sorted[scores.length - topK]
        : Double.NEGATIVE_INFINITY;
    double max = sorted[sorted.length - 1];
    double total = 0;
    double[] p = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      p[i] = scores[i] >= threshold ? Math.exp(scores[i] - max) : 0;
      total += p[i];
    }
    double u = random.nextDouble() * total;
    for (int i = 0; i < p.length; i++) {
      u -= p[i];
      if (u <= 0 && p[i] > 0) {
        return i;
      }
    }
    return argMax(scores);
  }

  private static int argMax(double[] s) {
    int best = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i] > s[best]) {
        best = i;
      }
    }
    return best;
  }
}
