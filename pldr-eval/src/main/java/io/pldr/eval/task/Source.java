package io.pldr.eval.task;

import java.nio.file.Path;

/** Where an item was read: a task file and its 1-based line number. */
public record Source(Path file, int line) {
  @Override
  public String toString() {
    return file + " line " + line;
  }
}
