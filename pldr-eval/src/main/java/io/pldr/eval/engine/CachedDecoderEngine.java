package io.pldr.eval.engine;

import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.score.LogLikelihoods;
import io.pldr.cache.score.Score;
import io.pldr.cache.score.TokenRequest;
import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-likelihoods from a {@link CachedDecoder} for lm-evaluation-harness's requests: each request
 * tokenised and truncated as the harness does for causal models ({@link EncodedRequest}), then
 * scored by pldr-cache's {@link LogLikelihoods} with or without G-cache.
 */
public final class CachedDecoderEngine implements LoglikelihoodEngine {
  /**
   * {@code gCache}: the setting; {@code batchSize}: rows per uncached pass; {@code addBos}: prefix
   * every context with BOS (the harness's {@code add_bos_token}).
   */
  public record Options(boolean gCache, int batchSize, boolean addBos) {
    public Options {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
    }
  }

  private final CachedDecoder decoder;
  private final Tokenizer tokenizer;
  private final Options options;
  private final LogLikelihoods engine;

  public CachedDecoderEngine(CachedDecoder decoder, Tokenizer tokenizer, Options options) {
    this.decoder = decoder;
    this.tokenizer = tokenizer;
    this.options = options;
    this.engine =
        new LogLikelihoods(
            decoder, new LogLikelihoods.Options(options.gCache(), options.batchSize()));
  }

  /** The setting's name in reports: {@code g_cache} or {@code no_cache}. */
  public String setting() {
    return options.gCache() ? "g_cache" : "no_cache";
  }

  @Override
  public List<Loglikelihood> loglikelihood(List<LoglikelihoodRequest> requests) {
    List<TokenRequest> encoded = new ArrayList<>();
    for (LoglikelihoodRequest r : requests) {
      encoded.add(
          EncodedRequest.of(r, tokenizer, options.addBos(), decoder.config().getMaxSeqLen()));
    }
    List<Loglikelihood> out = new ArrayList<>();
    for (Score s : engine.score(encoded)) {
      out.add(new Loglikelihood(s.logLikelihood(), s.greedy(), s.tokens()));
    }
    return out;
  }
}
