package io.pldr.eval;

import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;

/**
 * A tokenizer whose ids depend on word boundaries, as byte-level BPE's do: a space followed by a
 * lower-case letter is one token (ids 100–125), every other printable ASCII character is its own (4
 * + code − 32); ids 0–3 are the special tokens.
 */
public final class SpaceLetterTokenizer implements Tokenizer {
  private static final int LETTERS = 100;

  @Override
  public int vocabSize() {
    return LETTERS + 26;
  }

  @Override
  public SpecialTokens specialTokens() {
    return SpecialTokens.defaults();
  }

  @Override
  public int[] encode(String text) {
    java.util.List<Integer> ids = new java.util.ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      if (c == ' ' && next >= 'a' && next <= 'z') {
        ids.add(LETTERS + next - 'a');
        i++;
      } else {
        ids.add(4 + Math.max(0, Math.min(94, c - 32)));
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      if (id >= LETTERS) {
        b.append(' ').append((char) ('a' + id - LETTERS));
      } else if (id >= 4) {
        b.append((char) (id - 4 + 32));
      }
    }
    return b.toString();
  }

  @Override
  public void close() {}
}
