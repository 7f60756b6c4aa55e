package io.pldr.eval.task;

import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.List;

/** One item of a task as the model sees it: its requests, and how their answers are scored. */
public record Doc(Source source, List<LoglikelihoodRequest> requests, Scoring scoring) {
  public Doc {
    requests = List.copyOf(requests);
  }
}
