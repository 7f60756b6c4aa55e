package io.pldr.eval.task;

import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.Arrays;
import java.util.List;

/**
 * LAMBADA, OpenAI's version ({@code EleutherAI/lambada_openai}): field {@code text}; the context is
 * every word but the last (split on single spaces), the continuation {@code " "} + the last word;
 * {@code acc} is 1 when greedy decoding produces all its tokens, {@code perplexity} exp(−mean
 * log-likelihood) over documents.
 */
public final class Lambada extends AbstractTask {
  public Lambada() {
    super(
        "lambada_openai",
        "LAMBADA",
        "EleutherAI/lambada_openai, configuration default, split" + " test",
        List.of("acc", "perplexity"));
  }

  @Override
  public Doc doc(Item item) {
    String[] words = item.text("text").split(" ", -1);
    String context = String.join(" ", Arrays.asList(words).subList(0, words.length - 1));
    return new Doc(
        item.source(),
        List.of(new LoglikelihoodRequest(context, " " + words[words.length - 1])),
        new Scoring.Greedy());
  }
}
