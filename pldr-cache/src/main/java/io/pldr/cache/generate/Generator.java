package io.pldr.cache.generate;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
  private final Optional<GCache> gCache;

  /** A generator that infers each prompt's G-cache in its prompt pass. */
  public Generator(CachedDecoder decoder, Tokenizer tokenizer) {
    this(decoder, tokenizer, Optional.empty());
  }

  /**
   * A generator that uses a G-cache inferred earlier (a {@link io.pldr.tf.io.GCacheFile}) for every
   * prompt, so no pass runs the deep net.
   */
  public Generator(CachedDecoder decoder, Tokenizer tokenizer, GCache gCache) {
    this(decoder, tokenizer, Optional.of(gCache));
  }

  /** A generator with a G-cache inferred earlier, if given, or one inferred per prompt. */
  public Generator(CachedDecoder decoder, Tokenizer tokenizer, Optional<GCache> gCache) {
    this.decoder = decoder;
    this.tokenizer = tokenizer;
    this.gCache = gCache;
  }

  /**
   * Generates a continuation of each prompt. In the cached modes the prompts, of any lengths, are
   * decoded as one batch padded on the left (each row computes what it computes alone; see {@link
   * CachedDecoder#prefill(List, List)}); in mode {@code none} one after the other. The batch stops
   * at the context limit when its longest row reaches it.
   */
  public List<Generation> generate(List<String> prompts, SamplingConfig sampling, CacheMode mode) {
    if (prompts.size() < 2 || mode == CacheMode.NONE) {
      List<Generation> out = new ArrayList<>();
      for (String p : prompts) {
        out.add(generate(p, sampling, mode, piece -> {}));
      }
      return out;
    }
    int maxLen = decoder.config().getMaxSeqLen();
    List<long[]> ids = new ArrayList<>();
    for (String p : prompts) {
      ids.add(checkedPromptIds(p, maxLen));
    }
    int longest = ids.stream().mapToInt(r -> r.length).max().orElseThrow();
    long pad = decoder.config().getTokenIds().getPad();
    long[][] rows = new long[prompts.size()][maxLen];
    List<Row> state = new ArrayList<>();
    for (int b = 0; b < rows.length; b++) {
      Arrays.fill(rows[b], 0, longest - ids.get(b).length, pad);
      System.arraycopy(ids.get(b), 0, rows[b], longest - ids.get(b).length, ids.get(b).length);
      state.add(new Row(new Sampler(sampling)));
    }
    int length = longest;
    CachedDecoder.Step step =
        gCache.isPresent() ? decoder.prefill(ids, gCache.get()) : decoder.prefill(ids);
    DecodeState caches = step.state();
    try {
      while (true) {
        for (int b = 0; b < rows.length; b++) {
          Row row = state.get(b);
          if (row.reason == null) {
            row.accept(row.sampler.next(step.logits(), b), sampling);
          }
          // a finished row is fed padding: masked as a key, its own later outputs unread
          rows[b][length] = row.reason == null ? row.last : pad;
        }
        length++;
        if (state.stream().allMatch(r -> r.reason != null)) {
          break;
        }
        if (length >= maxLen) {
          state.stream()
              .filter(r -> r.reason == null)
              .forEach(r -> r.reason = Generation.StopReason.CONTEXT_LIMIT);
          break;
        }
        long[][] sofar = new long[rows.length][];
        for (int b = 0; b < rows.length; b++) {
          sofar[b] = Arrays.copyOf(rows[b], length);
        }
        step = decoder.step(caches, sofar, mode);
        caches = step.state();
      }
    } finally {
      caches.close();
    }
    List<Generation> out = new ArrayList<>();
    for (int b = 0; b < rows.length; b++) {
      Row row = state.get(b);
      out.add(new Generation(prompts.get(b), row.text, row.fresh.size(), row.reason));
    }
    return out;
  }

  /** One row of a batch: its sampler, its new tokens and text, and why it stopped (null: not). */
  private final class Row {
    private final Sampler sampler;
    private final List<Integer> fresh = new ArrayList<>();
    private String text = "";
    private Generation.StopReason reason;
    private long last;

    Row(Sampler sampler) {
      this.sampler = sampler;
    }

    /** Takes the sampled token as the single-prompt loop does. */
    void accept(int next, SamplingConfig sampling) {
      if (next == tokenizer.specialTokens().eos()) {
        reason = Generation.StopReason.END_OF_TEXT;
        return;
      }
      fresh.add(next);
      String decoded = tokenizer.decode(fresh.stream().mapToInt(Integer::intValue).toArray());
      int stop = firstStop(decoded, sampling.stopStrings());
      if (stop >= 0) {
        text = decoded.substring(0, stop);
        reason = Generation.StopReason.STOP_STRING;
        return;
      }
      text = decoded;
      last = next;
      if (fresh.size() >= sampling.maxNewTokens()) {
        reason = Generation.StopReason.MAX_TOKENS;
      }
    }
  }

  private long[] checkedPromptIds(String prompt, int maxLen) {
    long[] ids = promptIds(tokenizer, prompt);
    if (ids.length > maxLen) {
      throw new IllegalArgumentException(
          "the prompt is " + ids.length + " tokens, longer than the model's context of " + maxLen);
    }
    return ids;
  }

  /**
   * Generates a continuation of {@code prompt}; {@code stream} receives each new piece of text as
   * soon as its token is chosen. A prompt longer than the model's context fails.
   */
  public Generation generate(
      String prompt, SamplingConfig sampling, CacheMode mode, Consumer<String> stream) {
    int maxLen = decoder.config().getMaxSeqLen();
    long[] ids = checkedPromptIds(prompt, maxLen);
    if (ids.length >= maxLen) { // the prompt fills the context: no room for a new token
      return new Generation(prompt, "", 0, Generation.StopReason.CONTEXT_LIMIT);
    }
    Sampler sampler = new Sampler(sampling);
    long[] row = Arrays.copyOf(ids, maxLen);
    int length = ids.length;
    List<Integer> fresh = new ArrayList<>();
    String text = "";
    long[][] promptRows = {Arrays.copyOf(row, length)};
    CachedDecoder.Step step =
        gCache.isPresent()
            ? decoder.prefill(promptRows, gCache.get())
            : decoder.prefill(promptRows);
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

  /**
   * A prompt's ids as the model reads them, encoded as the reference encodes a prompt for
   * generation ({@code add_bos=False}): the reference's tokenizer appends the end-of-text id and
   * generation drops that last id again unless it is the only one. So no beginning-of-text token is
   * added, a prompt is its text's ids, and an empty prompt is the end-of-text token alone (the
   * token every training document ends with, so decoding from it starts a new document).
   */
  public static long[] promptIds(Tokenizer tokenizer, String prompt) {
    int[] encoded = tokenizer.encode(prompt);
    long[] withEos = new long[encoded.length + 1]; // encode(prompt, add_bos=False, add_eos=True)
    for (int i = 0; i < encoded.length; i++) {
      withEos[i] = encoded[i];
    }
    withEos[encoded.length] = tokenizer.specialTokens().eos();
    return withEos.length > 1 ? Arrays.copyOf(withEos, withEos.length - 1) : withEos;
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
