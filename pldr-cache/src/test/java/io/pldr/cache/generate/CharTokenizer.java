package io.pldr.cache.generate;

import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;

/** One id per printable ASCII character (4 + code − 32); ids 0–3 are the special tokens. */
final class CharTokenizer implements Tokenizer {
  @Override
  public int vocabSize() {
    return 4 + 95;
  }

  @Override
  public SpecialTokens specialTokens() {
    return SpecialTokens.defaults();
  }

  @Override
  public int[] encode(String text) {
    return text.chars().map(c -> 4 + Math.max(0, Math.min(94, c - 32))).toArray();
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      if (id >= 4 && id < 4 + 95) {
        b.append((char) (id - 4 + 32));
      } else if (id >= 4 + 95) {
        b.append('?');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {}
}
