package io.pldr.eval.engine;

import io.pldr.api.cache.GCache;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.score.LogLikelihoods;
import io.pldr.cache.score.Score;
import io.pldr.cache.score.TokenRequest;
import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Log-likelihoods from a {@link CachedDecoder} for lm-evaluation-harness's requests: each request
 * tokenised and truncated as the harness does for causal models ({@link EncodedRequest}), then
 * scored by pldr-cache's {@link LogLikelihoods} with or without G-cache, or with one fixed G-cache
 * (e.g. a G-cache file) for every context.
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
  private final boolean fixed;
  private final LogLikelihoods engine;

  public CachedDecoderEngine(CachedDecoder decoder, Tokenizer tokenizer, Options options) {
    this(decoder, tokenizer, options, Optional.empty());
  }

  /**
   * An engine that, with {@code fixed} present, scores every context with that G-cache's A_LM and
   * G_LM ({@code options.gCache()} must then be true), as the PLDR-LLM paper's G-cache evaluation
   * does with a G-cache file.
   */
  public CachedDecoderEngine(
      CachedDecoder decoder, Tokenizer tokenizer, Options options, Optional<GCache> fixed) {
    this.decoder = decoder;
    this.tokenizer = tokenizer;
    this.options = options;
    this.fixed = fixed.isPresent();
    this.engine =
        new LogLikelihoods(
            decoder, new LogLikelihoods.Options(options.gCache(), options.batchSize()), fixed);
  }

  /**
   * The setting's name in reports: {@code g_cache} (each context's own G-cache), {@code
   * g_cache_file} (one fixed G-cache) or {@code no_cache}.
   */
  public String setting() {
    return fixed ? "g_cache_file" : options.gCache() ? "g_cache" : "no_cache";
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
