package io.pldr.serve;

import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;

/** One id per character (its code + 4, below 260), the PLDR-LLM special ids 0–3. */
final class CharTokenizer implements Tokenizer {
  @Override
  public int vocabSize() {
    return 260;
  }

  @Override
  public SpecialTokens specialTokens() {
    return SpecialTokens.defaults();
  }

  @Override
  public int[] encode(String text) {
    return text.chars().map(c -> Math.min(c, 255) + 4).toArray();
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder s = new StringBuilder();
    for (int id : ids) {
      if (id >= 4) {
        s.append((char) (id - 4));
      }
    }
    return s.toString();
  }

  @Override
  public void close() {}
}
