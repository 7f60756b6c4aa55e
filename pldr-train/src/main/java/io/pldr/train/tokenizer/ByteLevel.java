package io.pldr.train.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPT-2 byte-level scheme as Hugging Face's {@code ByteLevel} pre-tokenizer applies it: text is
 * split into words by the GPT-2 regular expression, and every UTF-8 byte of a word is shown as one
 * printable character (space becomes {@code Ġ}, newline {@code Ċ}), so that any text can be written
 * with 256 base symbols.
 */
public final class ByteLevel {
  /**
   * The GPT-2 split (contractions, optional space plus letters, digits or other symbols, and
   * whitespace runs); {@code \s} is Unicode whitespace as in the Rust implementation.
   */
  public static final Pattern SPLIT =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private static final char[] BYTE_TO_CHAR = byteToChar();
  private static final int[] CHAR_TO_BYTE = charToByte(BYTE_TO_CHAR);

  private ByteLevel() {}

  /** The printable character standing for byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xff];
  }

  /** The byte (0..255) a byte-level character stands for, or -1 if it stands for none. */
  public static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** The byte-level spelling of {@code bytes}: one character per byte. */
  public static String toSymbols(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
    }
    return new String(out);
  }

  /** Calls {@code words} with each word of {@code text} (before the byte mapping), in order. */
  public static void split(String text, Consumer<String> words) {
    Matcher m = SPLIT.matcher(text);
    while (m.find()) {
      words.accept(m.group());
    }
  }

  /** The words of {@code text} (before the byte mapping), in order. */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    split(text, out::add);
    return out;
  }

  /** The UTF-8 bytes of a word. */
  static byte[] utf8(String word) {
    return word.getBytes(StandardCharsets.UTF_8);
  }

  private static int[] charToByte(char[] byteToChar) {
    int[] inverse = new int[512];
    Arrays.fill(inverse, -1);
    for (int b = 0; b < 256; b++) {
      inverse[byteToChar[b]] = b;
    }
    return inverse;
  }

  /**
   * GPT-2's {@code bytes_to_unicode}: printable Latin-1 bytes stand for themselves, others 256+.
   */
  private static char[] byteToChar() {
    char[] map = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int next = 256;
    for (int b = 0; b < 256; b++) {
      map[b] = printable[b] ? (char) b : (char) next++;
    }
    return map;
  }
}
