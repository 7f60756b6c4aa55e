package io.pldr.eval;

import io.pldr.eval.task.OnBadLine;
import io.pldr.eval.task.Task;
import io.pldr.eval.task.TaskData;
import io.pldr.eval.task.TaskReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The hand-made task files under {@code src/test/resources/tasks}, read as the CLI reads them. */
public final class TestTasks {
  private TestTasks() {}

  /** The folder holding one file per task. */
  public static Path dir() {
    try {
      return Path.of(TestTasks.class.getResource("/tasks").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every document of {@code task}'s hand-made file. */
  public static TaskData read(Task task) {
    try {
      return new TaskReader(OnBadLine.STOP, 0).read(task, dir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
