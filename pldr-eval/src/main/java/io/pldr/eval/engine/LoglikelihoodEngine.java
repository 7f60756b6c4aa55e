package io.pldr.eval.engine;

import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.List;

/** Answers log-likelihood requests: a language model as lm-evaluation-harness queries it. */
public interface LoglikelihoodEngine {
  /** One answer per request, in the requests' order. */
  List<Loglikelihood> loglikelihood(List<LoglikelihoodRequest> requests);
}
