package io.pldr.eval.task;

import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.text.PythonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a document's log-likelihoods become its metric values, as lm-evaluation-harness's {@code
 * process_results} computes them (v0.4.12).
 */
public sealed interface Scoring {
  /** The document's value of each metric the scoring computes, by metric name. */
  Map<String, Double> score(List<Loglikelihood> results);

  /**
   * One request per choice: {@code acc} is 1 when the largest summed log-likelihood is the gold
   * choice's, {@code acc_norm} when the largest log-likelihood divided by the choice's length in
   * characters is (ties go to the first choice, as {@code numpy.argmax}).
   */
  record MultipleChoice(int gold, List<String> choices) implements Scoring {
    public MultipleChoice {
      choices = List.copyOf(choices);
    }

    @Override
    public Map<String, Double> score(List<Loglikelihood> results) {
      check(results, choices.size());
      double[] ll = new double[results.size()];
      double[] norm = new double[results.size()];
      for (int i = 0; i < ll.length; i++) {
        ll[i] = results.get(i).sum();
        norm[i] = ll[i] / PythonText.length(choices.get(i));
      }
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("acc", argMax(ll) == gold ? 1.0 : 0.0);
      out.put("acc_norm", argMax(norm) == gold ? 1.0 : 0.0);
      return out;
    }
  }

  /**
   * TruthfulQA MC2: one request per answer; {@code acc} is the probability mass of the true
   * answers, the answers' probabilities exp(log-likelihood) normalised to sum to one.
   */
  record TrueMass(List<Boolean> labels) implements Scoring {
    public TrueMass {
      labels = List.copyOf(labels);
    }

    @Override
    public Map<String, Double> score(List<Loglikelihood> results) {
      check(results, labels.size());
      double max = Double.NEGATIVE_INFINITY;
      for (Loglikelihood r : results) {
        max = Math.max(max, r.sum());
      }
      double all = 0;
      double truth = 0;
      for (int i = 0; i < labels.size(); i++) {
        double p = Math.exp(results.get(i).sum() - max); // the harness's exp(ll), scaled
        all += p;
        truth += labels.get(i) ? p : 0;
      }
      return Map.of("acc", truth / all);
    }
  }

  /**
   * One request: {@code perplexity} takes its log-likelihood (aggregated as exp(−mean)), {@code
   * acc} is 1 when greedy decoding produces the continuation exactly.
   */
  record Greedy() implements Scoring {
    @Override
    public Map<String, Double> score(List<Loglikelihood> results) {
      check(results, 1);
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("perplexity", results.get(0).sum());
      out.put("acc", results.get(0).isGreedy() ? 1.0 : 0.0);
      return out;
    }
  }

  private static void check(List<Loglikelihood> results, int expected) {
    if (results.size() != expected) {
      throw new IllegalArgumentException(
          "expected " + expected + " log-likelihoods, got " + results.size());
    }
  }

  /** The index of the first largest value. */
  private static int argMax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
