package io.pldr.eval.request;

import java.util.Objects;

/**
 * How likely {@code continuation} is after {@code context}: lm-evaluation-harness's {@code
 * loglikelihood} request. Word-boundary spaces belong to the continuation ({@code "Answer:"},
 * {@code " Paris"}).
 */
public record LoglikelihoodRequest(String context, String continuation) {
  public LoglikelihoodRequest {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(continuation, "continuation");
  }
}
