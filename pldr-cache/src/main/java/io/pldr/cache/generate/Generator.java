package io.pldr.cache.generate;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Text generation with a {@link CachedDecoder}: the prompt pass, then one cached step per new
 * token, sampled by a {@link Sampler}, each new piece of text streamed to a listener as it is
 * produced. One generator serves concurrent calls from several threads (each call has its own
 * caches and sampler).
 */
public final class Generator {
  private final CachedDecoder decoder;
  private final Tokenizer tokenizer;
  private final List<LayerDeductive> gCache;

  /** A generator that infers each prompt's G-cache in its prompt pass. */
  public Generator(CachedDecoder decoder, Tokenizer tokenizer) {
    this(decoder, tokenizer, null);
  }

  /**
   * A generator that uses a G-cache inferred earlier (a {@link io.pldr.tf.io.GCacheFile}) for
   * every prompt, so no pass runs the deep net; {@code null} infers it per prompt.
   */
  public Generator(CachedDecoder decoder, Tokenizer tokenizer, List<LayerDeductive> gCache) {
    this.decoder = decoder;
    this.tokenizer = tokenizer;
    this.gCache = gCache == null ? null : List.copyOf(gCache);
  }

  /** Generates a continuation of each prompt (one after the other, each with its own caches). */
  public List<Generation> generate(List<String> prompts, SamplingConfig sampling, CacheMode mode) {
    List<Generation> out = new ArrayList<>();
    for (String p : prompts) {
      out.add(generate(p, sampling, mode, piece -> { }));
    }
    return out;
  }

  /**
   * Generates a continuation of {@code prompt}; {@code stream} receives each new piece of text as
   * soon as its token is chosen. A prompt longer than the model's context fails.
   */
  public Generation generate(String prompt, SamplingConfig sampling, CacheMode mode,
      Consumer<String> stream) {
    int maxLen = decoder.config().getMaxSeqLen();
    long[] ids = promptIds(tokenizer, prompt);
    if (ids.length > maxLen) {
      throw new IllegalArgumentException("the prompt is " + ids.length + " tokens (with the"
          + " beginning-of-text token), longer than the model's context of " + maxLen);
    }
    Sampler sampler = new Sampler(sampling);
    long[] row = Arrays.copyOf(ids, maxLen);
    int length = ids.length;
    List<Integer> fresh = new ArrayList<>();
    String text = "";
    long[][] promptRows = {Arrays.copyOf(row, length)};
    CachedDecoder.Step step = gCache == null ? decoder.prefill(promptRows)
        : decoder.prefill(promptRows, gCache);
    DecodeState state = step.state();
    Generation.StopReason reason = Generation.StopReason.MAX_TOKENS;
    try {
      while (true) {
        int next = sampler.next(step.logits(), 0);
        if (next == tokenizer.specialTokens().eos()) {
          reason = Generation.StopReason.END_OF_TEXT;
          break;
        }
        fresh.add(next);
        String decoded = tokenizer.decode(fresh.stream().mapToInt(Integer::intValue).toArray());
        int stop = firstStop(decoded, sampling.stopStrings());
        if (stop >= 0) {
          stream.accept(decoded.substring(Math.min(text.length(), stop), stop));
          text = decoded.substring(0, stop);
          reason = Generation.StopReason.STOP_STRING;
          break;
        }
        if (decoded.startsWith(text)) {
          stream.accept(decoded.substring(text.length()));
        }
        text = decoded;
        row[length++] = next;
        if (fresh.size() >= sampling.maxNewTokens()) {
          break;
        }
        if (length >= maxLen) {
          reason = Generation.StopReason.CONTEXT_LIMIT;
          break;
        }
        step = decoder.step(state, new long[][] {Arrays.copyOf(row, length)}, mode);
        state = step.state();
      }
    } finally {
      state.close();
    }
    return new Generation(prompt, text, fresh.size(), reason);
  }

  /** A prompt's ids as the model reads them: the beginning-of-text token, then the text's. */
  public static long[] promptIds(Tokenizer tokenizer, String prompt) {
    int[] encoded = tokenizer.encode(prompt);
    long[] ids = new long[encoded.length + 1];
    ids[0] = tokenizer.specialTokens().bos();
    for (int i = 0; i < encoded.length; i++) {
      ids[i + 1] = encoded[i];
    }
    return ids;
  }

  private static int firstStop(String text, List<String> stops) {
    int best = -1;
    for (String s : stops) {
      int i = s.isEmpty() ? -1 : text.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }
}
