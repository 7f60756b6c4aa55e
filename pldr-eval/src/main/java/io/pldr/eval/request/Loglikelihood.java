package io.pldr.eval.request;

/**
 * The answer to a {@link LoglikelihoodRequest}: the summed natural-log probability of the
 * continuation's tokens, whether greedy decoding would produce exactly those tokens, and how many
 * tokens the continuation has.
 */
public record Loglikelihood(double sum, boolean isGreedy, int tokenCount) {}
