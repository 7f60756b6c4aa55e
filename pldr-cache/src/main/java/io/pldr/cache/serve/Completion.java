package io.pldr.cache.serve;

import io.pldr.cache.generate.Generation;
import java.util.List;

/**
 * A finished sequence.
 *
 * @param text the completion (without the end-of-text token or a stop string)
 * @param tokens every token chosen, in order, with its log-probabilities (the end-of-text token
 *     included when it ended the sequence)
 * @param promptTokens the prompt's length in tokens
 * @param reason why it ended
 */
public record Completion(
    String text, List<GeneratedToken> tokens, int promptTokens, Generation.StopReason reason) {
  public Completion {
    tokens = List.copyOf(tokens);
  }
}
