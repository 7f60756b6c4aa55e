package io.pldr.eval.task;

/**
 * An item of a task file that cannot be evaluated, naming the file, the line and what is wrong: a
 * line that is not a JSON object with the task's fields ({@link Kind#MALFORMED}), or a gold label
 * outside the item's choices ({@link Kind#GOLD_OUT_OF_RANGE}).
 */
public final class BadItemException extends IllegalArgumentException {
  /** What is wrong with the item. */
  public enum Kind {
    MALFORMED,
    GOLD_OUT_OF_RANGE
  }

  private final transient Source source;
  private final Kind kind;

  public BadItemException(Source source, Kind kind, String problem) {
    super(source + ": " + problem);
    this.source = source;
    this.kind = kind;
  }

  /** The file and line. */
  public Source source() {
    return source;
  }

  /** What is wrong. */
  public Kind kind() {
    return kind;
  }
}
