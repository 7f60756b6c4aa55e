package io.pldr.cache.score;

import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores text with a model: how likely a continuation is after a context. Text is tokenized as
 * lm-evaluation-harness does for causal models: the prompt is the beginning-of-text token and the
 * context's tokens, and the continuation is what the encoding of context + continuation holds after
 * the context's own tokens. Safe for concurrent use.
 */
public final class Scorer {
  private final LogLikelihoods engine;
  private final Tokenizer tokenizer;

  /** A scorer in the given setting ({@link LogLikelihoods.Options}). */
  public Scorer(CachedDecoder decoder, Tokenizer tokenizer, LogLikelihoods.Options options) {
    this.engine = new LogLikelihoods(decoder, options);
    this.tokenizer = tokenizer;
  }

  /** A continuation of a context (which may be empty). */
  public record Text(String context, String continuation) {}

  /** The score of {@code continuation} after {@code context} (which may be empty). */
  public Score score(String context, String continuation) {
    return score(List.of(new Text(context, continuation))).get(0);
  }

  /** The score of a whole text after the beginning-of-text token: its log-likelihood. */
  public Score score(String text) {
    return score("", text);
  }

  /** The scores of several texts in one run: continuations of one context share its passes. */
  public List<Score> score(List<Text> texts) {
    List<TokenRequest> requests = new ArrayList<>();
    for (Text t : texts) {
      requests.add(request(t.context(), t.continuation()));
    }
    return engine.score(requests);
  }

  private TokenRequest request(String context, String continuation) {
    long bos = tokenizer.specialTokens().bos();
    long[] prompt = withBos(bos, tokenizer.encode(context));
    long[] whole = withBos(bos, tokenizer.encode(context + continuation));
    long[] cont = Arrays.copyOfRange(whole, Math.min(prompt.length, whole.length), whole.length);
    if (cont.length == 0) {
      throw new IllegalArgumentException(
          "the continuation '" + continuation + "' has no tokens of its own after the context");
    }
    return new TokenRequest(prompt, cont);
  }

  private static long[] withBos(long bos, int[] ids) {
    long[] out = new long[ids.length + 1];
    out[0] = bos;
    for (int i = 0; i < ids.length; i++) {
      out[i + 1] = ids[i];
    }
    return out;
  }
}
