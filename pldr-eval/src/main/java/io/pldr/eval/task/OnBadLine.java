package io.pldr.eval.task;

/** What reading a task file does with a malformed line. */
public enum OnBadLine {
  /** Fail, naming the file and line. */
  STOP,
  /** Leave the line out, report it, and go on. */
  SKIP
}
