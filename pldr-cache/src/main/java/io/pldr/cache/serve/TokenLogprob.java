package io.pldr.cache.serve;

/**
 * A token with its natural-log probability under the model's distribution at that step (before
 * temperature, top-k and top-p).
 *
 * @param id the token id
 * @param text the token's text as the tokenizer decodes it alone
 * @param logprob its log-probability
 */
public record TokenLogprob(int id, String text, double logprob) {}
