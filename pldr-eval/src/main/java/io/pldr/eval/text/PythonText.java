package io.pldr.eval.text;

import java.util.Locale;

/**
 * The few Python string operations lm-evaluation-harness's task code applies, with Python's
 * semantics: {@code str.strip}/{@code rstrip} (Unicode whitespace), {@code str.capitalize} (first
 * character upper case, the rest lower case) and {@code len} (code points, not UTF-16 units).
 */
public final class PythonText {
  private PythonText() {}

  /** Python's {@code str.isspace} for one code point. */
  public static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  /** Python's {@code s.strip()}. */
  public static String strip(String s) {
    return lstrip(rstrip(s));
  }

  /** Python's {@code s.lstrip()}. */
  public static String lstrip(String s) {
    int i = 0;
    while (i < s.length() && isSpace(s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    return s.substring(i);
  }

  /** Python's {@code s.rstrip()}. */
  public static String rstrip(String s) {
    int end = s.length();
    while (end > 0 && isSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(0, end);
  }

  /** Python's {@code s.capitalize()}: the first character in title case, the rest lower case. */
  public static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    int n = Character.charCount(first);
    return new StringBuilder()
        .appendCodePoint(Character.toTitleCase(first))
        .append(s.substring(n).toLowerCase(Locale.ROOT))
        .toString();
  }

  /** Python's {@code len(s)}: the number of code points. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
