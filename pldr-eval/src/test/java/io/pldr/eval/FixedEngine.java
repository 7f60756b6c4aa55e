package io.pldr.eval;

import io.pldr.eval.engine.LoglikelihoodEngine;
import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import io.pldr.eval.task.Doc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An engine answering each request with a fixed log-likelihood set by the test. */
public final class FixedEngine implements LoglikelihoodEngine {
  private final Map<LoglikelihoodRequest, Loglikelihood> answers = new HashMap<>();
  private final List<List<LoglikelihoodRequest>> calls = new ArrayList<>();

  /** Answers {@code (context, continuation)} with {@code sum}, greedy or not. */
  public FixedEngine put(LoglikelihoodRequest request, double sum, boolean greedy) {
    answers.put(request, new Loglikelihood(sum, greedy, 1));
    return this;
  }

  /** Answers the requests of {@code doc}, in order, with {@code sums} (none greedy). */
  public FixedEngine put(Doc doc, double... sums) {
    if (sums.length != doc.requests().size()) {
      throw new IllegalArgumentException(
          doc.requests().size() + " requests, " + sums.length + " answers");
    }
    for (int i = 0; i < sums.length; i++) {
      put(doc.requests().get(i), sums[i], false);
    }
    return this;
  }

  /** The request lists the engine was called with. */
  public List<List<LoglikelihoodRequest>> calls() {
    return calls;
  }

  @Override
  public List<Loglikelihood> loglikelihood(List<LoglikelihoodRequest> requests) {
    calls.add(List.copyOf(requests));
    List<Loglikelihood> out = new ArrayList<>();
    for (LoglikelihoodRequest r : requests) {
      Loglikelihood a = answers.get(r);
      if (a == null) {
        throw new AssertionError("no answer set for " + r);
      }
      out.add(a);
    }
    return out;
  }
}
