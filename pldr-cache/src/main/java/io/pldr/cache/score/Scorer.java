package io.pldr.cache.score;

import io.pldr.api.cache.GCache;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Scores text with a model: how likely a continuation is after a context. Text is tokenized as
 * lm-evaluation-harness does for causal models, with the conventions of the PLDR-LLM papers'
 * evaluation: the prompt is the context's tokens (no beginning-of-text token), an empty context is
 * the end-of-text token, and the continuation is what the encoding of context + continuation holds
 * after the context's own tokens. A request longer than the model's context keeps its last {@code
 * max_seq_len + 1} tokens ({@link TokenRequest#truncated}). Safe for concurrent use.
 */
public final class Scorer {
  private final LogLikelihoods engine;
  private final Tokenizer tokenizer;
  private final int maxSeqLen;

  /** A scorer in the given setting ({@link LogLikelihoods.Options}). */
  public Scorer(CachedDecoder decoder, Tokenizer tokenizer, LogLikelihoods.Options options) {
    this(decoder, tokenizer, options, Optional.empty());
  }

  /**
   * A scorer in the given setting; with G-cache and {@code fixed} present, every context is scored
   * with that G-cache's A_LM and G_LM instead of its own ({@link LogLikelihoods}).
   */
  public Scorer(
      CachedDecoder decoder,
      Tokenizer tokenizer,
      LogLikelihoods.Options options,
      Optional<GCache> fixed) {
    this.engine = new LogLikelihoods(decoder, options, fixed);
    this.tokenizer = tokenizer;
    this.maxSeqLen = decoder.config().getMaxSeqLen();
  }

  /** A continuation of a context (which may be empty). */
  public record Text(String context, String continuation) {}

  /** The score of {@code continuation} after {@code context} (which may be empty). */
  public Score score(String context, String continuation) {
    return score(List.of(new Text(context, continuation))).get(0);
  }

  /** The score of a whole text after the end-of-text token: its log-likelihood. */
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
    long[] prompt;
    long[] cont;
    if (context.isEmpty()) {
      prompt = new long[] {tokenizer.specialTokens().eos()};
      cont = ids(tokenizer.encode(continuation));
    } else {
      prompt = ids(tokenizer.encode(context));
      long[] whole = ids(tokenizer.encode(context + continuation));
      cont = Arrays.copyOfRange(whole, Math.min(prompt.length, whole.length), whole.length);
    }
    if (cont.length == 0) {
      throw new IllegalArgumentException(
          "the continuation '" + continuation + "' has no tokens of its own after the context");
    }
    return TokenRequest.truncated(prompt, cont, maxSeqLen);
  }

  private static long[] ids(int[] ids) {
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }
}
