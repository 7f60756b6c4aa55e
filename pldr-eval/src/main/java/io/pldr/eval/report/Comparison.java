package io.pldr.eval.report;

import io.pldr.eval.metric.Rmse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task in two settings: each metric's difference (first setting minus second) and how far the
 * requests' log-likelihoods are apart (RMSE and largest absolute difference).
 */
public record Comparison(
    String task,
    Map<String, Double> difference,
    double loglikelihoodRmse,
    double loglikelihoodMaxAbs) {
  public Comparison {
    difference = Collections.unmodifiableMap(new LinkedHashMap<>(difference));
  }

  /** {@code a} against {@code b}, results of one task. */
  public static Comparison of(TaskResult a, TaskResult b) {
    if (!a.task().equals(b.task()) || a.loglikelihoods().size() != b.loglikelihoods().size()) {
      throw new IllegalArgumentException(
          "cannot compare "
              + a.task()
              + " ("
              + a.docs()
              + " documents) with "
              + b.task()
              + " ("
              + b.docs()
              + " documents)");
    }
    Map<String, Double> diff = new LinkedHashMap<>();
    a.metrics().forEach((name, v) -> diff.put(name, v.value() - b.metrics().get(name).value()));
    Rmse rmse = new Rmse("loglikelihood_rmse");
    for (int i = 0; i < a.loglikelihoods().size(); i++) {
      rmse.update(new Rmse.Pair(a.loglikelihoods().get(i), b.loglikelihoods().get(i)));
    }
    return new Comparison(a.task(), diff, rmse.result(), rmse.maxAbsDifference());
  }
}
