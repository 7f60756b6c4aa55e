package io.pldr.eval.engine;

import io.pldr.api.text.Tokenizer;
import java.util.Arrays;

/**
 * The end of a long text that tokenises to the same last tokens as the whole text, so that a
 * context of megabytes, of which a model reads only its last {@code max_seq_len} tokens, is not
 * tokenised whole.
 *
 * <p>The tail is the last {@code k} characters, moved forward to a whitespace so that it starts
 * where a word starts in the whole text; {@code k} starts at {@code max(4096, 8 × tokens)} and
 * doubles until the tail gives {@link #MARGIN} tokens more than needed and its last {@code tokens}
 * tokens are those of a tail twice as long. Tokenisers (SentencePiece, byte-level BPE) cut text
 * into pieces that do not reach across more than a few words, so only the tail's first tokens can
 * differ from the whole text's. A text less than twice as long as the tail is tokenised whole.
 */
final class ContextTail {
  /** The shortest tail tried, in characters. */
  static final int MIN_CHARS = 4096;

  /** Tokens at a tail's start that may differ from the whole text's, on top of those needed. */
  static final int MARGIN = 32;

  private ContextTail() {}

  /** A suffix of {@code text} whose last {@code tokens} tokens are those of the whole text. */
  static String of(Tokenizer tokenizer, String text, int tokens) {
    long k = Math.max(MIN_CHARS, 8L * tokens);
    while (2 * k < text.length()) {
      String tail = tail(text, (int) k);
      int[] ids = tokenizer.encode(tail);
      if (ids.length >= tokens + MARGIN) {
        int[] longer = tokenizer.encode(tail(text, (int) (2 * k)));
        if (sameEnd(ids, longer, tokens + MARGIN / 2)) {
          return tail;
        }
      }
      k *= 2;
    }
    return text;
  }

  /** The last {@code k} characters, moved forward to the first whitespace in their first half. */
  private static String tail(String text, int k) {
    int start = text.length() - k;
    for (int i = start; i < start + k / 2; i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return text.substring(i);
      }
    }
    return text.substring(Character.isLowSurrogate(text.charAt(start)) ? start + 1 : start);
  }

  private static boolean sameEnd(int[] a, int[] b, int n) {
    return a.length >= n
        && b.length >= n
        && Arrays.equals(a, a.length - n, a.length, b, b.length - n, b.length);
  }
}
