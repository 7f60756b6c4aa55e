package io.pldr.eval.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.io.StrictText;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a task's JSONL file ({@code DIR/<task>.jsonl}, one JSON object per line, blank lines
 * ignored) into documents. A malformed line stops the reading or is skipped, as chosen; a gold
 * label out of range always fails; both name the file and line. The file is read as strict UTF-8:
 * an invalid byte fails, whatever the policy, naming the file, line and byte offset.
 */
public final class TaskReader {
  private final ObjectMapper json =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final OnBadLine onBadLine;
  private final int limit;

  /** A reader keeping the first {@code limit} documents of each file (0: all). */
  public TaskReader(OnBadLine onBadLine, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 (0: every document), got " + limit);
    }
    this.onBadLine = onBadLine;
    this.limit = limit;
  }

  /** The documents of {@code task} from {@code dataDir}. */
  public TaskData read(Task task, Path dataDir) throws IOException {
    Path file = dataDir.resolve(task.fileName());
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException(
          "task "
              + task.name()
              + ": no file "
              + file
              + " (expected "
              + task.fileName()
              + " in the data folder: "
              + task.publishedAs()
              + ", as JSON lines; see docs/evaluation.md)");
    }
    List<Doc> docs = new ArrayList<>();
    List<BadItemException> skipped = new ArrayList<>();
    try (StrictText.LineReader in = StrictText.open(file)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null && (limit == 0 || docs.size() < limit)) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          docs.add(
              task.doc(new Item(parse(line, new Source(file, number)), new Source(file, number))));
        } catch (BadItemException e) {
          if (e.kind() == BadItemException.Kind.GOLD_OUT_OF_RANGE || onBadLine == OnBadLine.STOP) {
            throw e;
          }
          skipped.add(e);
        }
      }
    }
    if (docs.isEmpty()) {
      throw new IllegalArgumentException(
          "task "
              + task.name()
              + ": "
              + file
              + " holds no"
              + " document"
              + (skipped.isEmpty()
                  ? ""
                  : " that could be read (" + skipped.size() + " malformed lines skipped)"));
    }
    return new TaskData(task, file, docs, skipped);
  }

  private JsonNode parse(String line, Source source) {
    try {
      JsonNode node = json.readTree(line);
      if (node == null || !node.isObject()) {
        throw new BadItemException(
            source,
            BadItemException.Kind.MALFORMED,
            "expected a JSON object, found " + abbreviate(line));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadItemException(
          source,
          BadItemException.Kind.MALFORMED,
          "malformed JSON (" + e.getOriginalMessage() + "): " + abbreviate(line));
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 80 ? line : line.substring(0, 77) + "...";
  }
}
