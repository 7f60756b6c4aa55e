package io.pldr.train.observe;

import java.util.Locale;

/**
 * Which data a metrics entry was measured on; written as {@code "train"} or {@code "validation"}.
 */
public enum Split {
  TRAIN,
  VALIDATION;

  /** The name in {@code metrics.jsonl}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The split for a name from {@code metrics.jsonl}. */
  public static Split fromJsonName(String name) {
    for (Split s : values()) {
      if (s.jsonName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown split '" + name + "'");
  }
}
