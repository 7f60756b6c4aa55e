package io.pldr.serve;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.text.Tokenizer;
import java.util.List;

/**
 * What the HTTP layer knows of the model it serves: the id clients name it by, its tokenizer (to
 * encode prompts as {@code Generator.promptIds} does and to count tokens), its context, and the
 * cache modes a request may ask for, the first being the default.
 *
 * @param id the model's id in requests and {@code /v1/models}
 * @param tokenizer the model's tokenizer
 * @param contextLength the model's context ({@code max_seq_len})
 * @param cacheModes the modes a request may name; the first is used when it names none
 */
public record ServedModel(
    String id, Tokenizer tokenizer, int contextLength, List<CacheMode> cacheModes) {
  public ServedModel {
    cacheModes = List.copyOf(cacheModes);
    if (cacheModes.isEmpty()) {
      throw new IllegalArgumentException("a served model needs at least one cache mode");
    }
  }

  /** The mode of a request that names none. */
  public CacheMode defaultMode() {
    return cacheModes.get(0);
  }
}
