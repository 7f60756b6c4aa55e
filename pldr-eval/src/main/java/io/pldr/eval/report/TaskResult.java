package io.pldr.eval.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's scores in one setting: the documents scored, each metric the harness reports for it (in
 * its order, the table's metric first), and every request's log-likelihood in document order (to
 * compare settings).
 */
public record TaskResult(
    String task,
    String title,
    int docs,
    Map<String, MetricValue> metrics,
    @JsonIgnore List<Double> loglikelihoods) {
  public TaskResult {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    loglikelihoods = List.copyOf(loglikelihoods);
  }

  /** The metric a table shows: the first one. */
  @JsonIgnore
  public String primaryMetric() {
    return metrics.keySet().iterator().next();
  }
}
