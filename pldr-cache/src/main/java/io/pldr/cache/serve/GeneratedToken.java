package io.pldr.cache.serve;

import java.util.List;

/**
 * A token the engine chose for a sequence.
 *
 * @param chosen the token, its text and log-probability (NaN when the request asked for none)
 * @param textDelta the text this token adds to the completion: empty while a character's bytes or a
 *     possible stop string are still incomplete, then everything held back at once; the deltas of a
 *     completion concatenate to its text
 * @param top the most likely tokens at this step, most likely first ({@link
 *     CompletionRequest#topLogprobs} of them; empty when 0)
 */
public record GeneratedToken(TokenLogprob chosen, String textDelta, List<TokenLogprob> top) {
  public GeneratedToken {
    top = List.copyOf(top);
  }
}
