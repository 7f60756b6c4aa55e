package io.pldr.cli;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks of option values that picocli's types cannot express: counts that must not be negative,
 * and text from the command line that the JVM could not decode.
 */
final class OptionChecks {
  private OptionChecks() {}

  /** {@code value} if it is at least {@code min}; else an error naming {@code option}. */
  static int atLeast(String option, int value, int min) {
    return (int) atLeast(option, (long) value, min);
  }

  /** {@code value} if it is at least {@code min}; else an error naming {@code option}. */
  static long atLeast(String option, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(
          option
              + " must be "
              + (min == 0 ? "0 or more" : min == 1 ? "1 or more" : "at least " + min)
              + ", found "
              + value);
    }
    return value;
  }

  /**
   * {@code values} if no value appears twice; else an error naming {@code option} and the value.
   */
  static <T> List<T> distinct(String option, List<T> values) {
    Set<T> seen = new HashSet<>();
    for (T v : values) {
      if (!seen.add(v)) {
        throw new IllegalArgumentException(
            option + " names " + v + " twice; expected each value once, found " + values);
      }
    }
    return values;
  }

  /**
   * {@code value} unless it holds U+FFFD, the replacement character the JVM puts in place of bytes
   * of the command line that are not valid in the locale's encoding (UTF-8 or otherwise): then an
   * error naming {@code option}. A text that really holds U+FFFD is refused too; a file can carry
   * it.
   */
  static String decodedText(String option, String value, String fileOption) {
    int at = value.indexOf('\uFFFD');
    if (at >= 0) {
      throw new IllegalArgumentException(
          option
              + " holds U+FFFD (the replacement character) at character "
              + at
              + ": the command line was not valid UTF-8 (check the terminal's and the locale's"
              + " encoding, LANG/LC_ALL)"
              + (fileOption == null
                  ? ""
                  : "; or pass the text in a UTF-8 file with " + fileOption));
    }
    return value;
  }
}
