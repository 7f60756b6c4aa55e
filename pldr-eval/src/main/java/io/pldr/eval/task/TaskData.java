package io.pldr.eval.task;

import java.nio.file.Path;
import java.util.List;

/**
 * A task's documents as read from its file, and the malformed lines left out (with {@link
 * OnBadLine#SKIP}).
 */
public record TaskData(Task task, Path file, List<Doc> docs, List<BadItemException> skipped) {
  public TaskData {
    docs = List.copyOf(docs);
    skipped = List.copyOf(skipped);
  }
}
