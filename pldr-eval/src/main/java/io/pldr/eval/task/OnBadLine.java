package io.pldr.eval.task;

import java.util.Locale;

/** What reading a task file does with a malformed line. */
public enum OnBadLine {
  /** Fail, naming the file and line. */
  STOP,
  /** Leave the line out, report it, and go on. */
  SKIP;

  /** The policy named {@code stop} or {@code skip}; another name fails. */
  public static OnBadLine fromId(String id) {
    for (OnBadLine p : values()) {
      if (p.name().equalsIgnoreCase(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("on bad line: expected stop or skip, got '" + id + "'");
  }

  /** The name in options and reports: {@code stop}, {@code skip}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
