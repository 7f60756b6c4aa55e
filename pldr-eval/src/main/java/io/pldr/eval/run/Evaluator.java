package io.pldr.eval.run;

import io.pldr.api.metric.Metric;
import io.pldr.eval.engine.LoglikelihoodEngine;
import io.pldr.eval.metric.Accuracy;
import io.pldr.eval.metric.Perplexity;
import io.pldr.eval.report.MetricValue;
import io.pldr.eval.report.TaskResult;
import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import io.pldr.eval.task.Doc;
import io.pldr.eval.task.TaskData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores tasks on one engine: sends the documents' requests a chunk at a time, scores each
 * document, and aggregates as the harness does: {@code perplexity} as exp(−mean log-likelihood)
 * with {@link Perplexity}, every other metric as a mean with {@link Accuracy}.
 */
public final class Evaluator {
  /** Documents whose requests go to the engine together (it shares passes within a call). */
  public static final int DOCS_PER_CALL = 32;

  private final LoglikelihoodEngine engine;
  private final EvalProgress progress;

  public Evaluator(LoglikelihoodEngine engine, EvalProgress progress) {
    this.engine = engine;
    this.progress = progress;
  }

  /** Scores every document of {@code data}; {@code label} names the stage in the progress. */
  public TaskResult evaluate(TaskData data, String label) {
    List<String> names = data.task().metrics();
    Map<String, Metric<?>> metrics = new LinkedHashMap<>();
    for (String name : names) {
      metrics.put(name, name.equals("perplexity") ? new Perplexity(name) : new Accuracy(name));
    }
    List<Double> loglikelihoods = new ArrayList<>();
    List<Doc> docs = data.docs();
    progress.start(label, docs.size());
    try {
      for (int from = 0; from < docs.size(); from += DOCS_PER_CALL) {
        List<Doc> chunk = docs.subList(from, Math.min(docs.size(), from + DOCS_PER_CALL));
        List<LoglikelihoodRequest> requests = new ArrayList<>();
        chunk.forEach(d -> requests.addAll(d.requests()));
        List<Loglikelihood> answers = engine.loglikelihood(requests);
        int next = 0;
        for (Doc d : chunk) {
          List<Loglikelihood> mine = answers.subList(next, next + d.requests().size());
          next += mine.size();
          mine.forEach(a -> loglikelihoods.add(a.sum()));
          Map<String, Double> scores = d.scoring().score(mine);
          for (String name : names) {
            update(metrics.get(name), scores.get(name));
          }
        }
        progress.advance(chunk.size());
      }
    } finally {
      progress.finish();
    }
    Map<String, MetricValue> values = new LinkedHashMap<>();
    metrics.forEach(
        (name, m) ->
            values.put(
                name,
                MetricValue.of(
                    m.result(), m instanceof Accuracy a ? a.standardError() : Double.NaN)));
    return new TaskResult(
        data.task().name(), data.task().title(), docs.size(), values, loglikelihoods);
  }

  private static void update(Metric<?> metric, double value) {
    if (metric instanceof Perplexity p) {
      p.update(Perplexity.LogLikelihood.ofDocument(value));
    } else if (metric instanceof Accuracy a) {
      a.update(new Accuracy.Count(value, 1));
    }
  }
}
