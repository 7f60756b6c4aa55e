package io.pldr.cache.score;

/**
 * How likely a model finds a continuation of a prompt: the summed natural-log probability of the
 * continuation's tokens, whether greedy decoding gives exactly those tokens, and how many tokens
 * the continuation has.
 */
public record Score(double logLikelihood, boolean greedy, int tokens) {
  /** exp(−logLikelihood / tokens): the continuation's perplexity per token. */
  public double perplexity() {
    return Math.exp(-logLikelihood / tokens);
  }
}
