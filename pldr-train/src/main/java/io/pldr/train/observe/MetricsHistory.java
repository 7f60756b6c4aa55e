package io.pldr.train.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.io.StrictText;
import io.pldr.tf.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of a run as JSON lines in {@code metrics.jsonl} in the run folder, one object per
 * entry: {@code {"step":120,"split":"train","loss":3.2104,"lr":8.0E-4}}. Each append is written to
 * the file at once. Opening an existing history continues it; {@link #resume} also drops the
 * entries after the checkpoint's step, so the file matches the resumed run exactly. A last line cut
 * short by a crash is dropped. Non-finite values are written as the strings {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"}. Thread-safe.
 */
public final class MetricsHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsHistory.class);

  /** The file's name in the run folder. */
  public static final String FILE_NAME = "metrics.jsonl";

  private final Path file;
  private final ObjectMapper json = new ObjectMapper();
  private final List<MetricsEntry> entries;
  private final FileChannel out;

  private MetricsHistory(Path file, List<MetricsEntry> entries) throws IOException {
    this.file = file;
    this.entries = new ArrayList<>(entries);
    this.out =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Opens the history of {@code runDir}, creating it if missing and keeping every entry. */
  public static MetricsHistory open(Path runDir) throws IOException {
    return open(runDir, Long.MAX_VALUE);
  }

  /**
   * Opens the history of {@code runDir} for a run resumed from the checkpoint of {@code
   * checkpointStep}: entries with a larger step are removed from the file.
   */
  public static MetricsHistory resume(Path runDir, long checkpointStep) throws IOException {
    return open(runDir, checkpointStep);
  }

  private static MetricsHistory open(Path runDir, long lastStep) throws IOException {
    Files.createDirectories(runDir);
    Path file = runDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return new MetricsHistory(file, List.of());
    }
    Parsed parsed = parse(file);
    List<MetricsEntry> kept = new ArrayList<>();
    for (MetricsEntry e : parsed.entries()) {
      if (e.step() <= lastStep) {
        kept.add(e);
      }
    }
    int dropped = parsed.entries().size() - kept.size();
    if (dropped > 0 || !parsed.clean()) {
      if (dropped > 0) {
        LOG.info("{}: dropping {} entries after step {}", file, dropped, lastStep);
      }
      ObjectMapper json = new ObjectMapper();
      StringBuilder text = new StringBuilder();
      for (MetricsEntry e : kept) {
        text.append(line(json, e));
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(file, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }
    return new MetricsHistory(file, kept);
  }

  /** Reads a history file; a malformed last line (a write cut short) is skipped. */
  public static List<MetricsEntry> read(Path file) throws IOException {
    return parse(file).entries();
  }

  /** The file written to. */
  public Path file() {
    return file;
  }

  /** Appends one entry and writes it to the file. */
  public synchronized void append(MetricsEntry entry) throws IOException {
    if (!out.isOpen()) {
      throw new IllegalStateException("metrics history " + file + " is closed");
    }
    writeFully(out, ByteBuffer.wrap(line(json, entry).getBytes(StandardCharsets.UTF_8)));
    entries.add(entry);
  }

  /** Appends {@code values} for {@code step} and {@code split}. */
  public void append(long step, Split split, Map<String, Double> values) throws IOException {
    append(new MetricsEntry(step, split, values));
  }

  /** Every entry, earlier runs' included, in file order. */
  public synchronized List<MetricsEntry> entries() {
    return List.copyOf(entries);
  }

  /** Every entry of one split, in file order. */
  public synchronized List<MetricsEntry> entries(Split split) {
    return entries.stream().filter(e -> e.split() == split).toList();
  }

  /** Forces the file to disk and closes it. */
  @Override
  public synchronized void close() throws IOException {
    if (out.isOpen()) {
      try {
        out.force(false);
      } finally {
        out.close();
      }
    }
  }

  private static String line(ObjectMapper json, MetricsEntry e) {
    ObjectNode node = json.createObjectNode();
    node.put("step", e.step());
    node.put("split", e.split().jsonName());
    e.values()
        .forEach(
            (name, v) -> {
              if (Double.isFinite(v)) {
                node.put(name, v);
              } else {
                node.put(name, v.toString());
              }
            });
    try {
      return json.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot write metrics entry " + e, ex);
    }
  }

  private record Parsed(List<MetricsEntry> entries, boolean clean) {}

  private static Parsed parse(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    String text = StrictText.readString(file);
    String[] lines = text.split("\n", -1);
    List<MetricsEntry> entries = new ArrayList<>();
    // After the final newline comes an empty string; anything else there was cut short.
    boolean clean = text.isEmpty() || text.endsWith("\n");
    int last = lines.length - 1;
    while (last >= 0 && lines[last].isBlank()) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      if (lines[i].isBlank()) {
        clean = false;
        continue;
      }
      try {
        entries.add(entry(json.readTree(lines[i])));
      } catch (IOException | RuntimeException e) {
        if (i == last) {
          LOG.warn("{}: skipping malformed last line {} ({})", file, i + 1, e.getMessage());
          clean = false;
        } else {
          throw new IOException(file + ": malformed line " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
    }
    return new Parsed(entries, clean);
  }

  private static MetricsEntry entry(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode step = node.get("step");
    JsonNode split = node.get("split");
    if (step == null || !step.canConvertToLong() || !step.isIntegralNumber()) {
      throw new IllegalArgumentException("missing or non-integer 'step'");
    }
    if (split == null || !split.isTextual()) {
      throw new IllegalArgumentException("missing 'split'");
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals("step") || name.equals("split")) {
        continue;
      }
      if (v.isNumber()) {
        values.put(name, v.asDouble());
      } else if (v.isTextual() && isNonFinite(v.asText())) {
        values.put(name, Double.valueOf(v.asText()));
      } else {
        LOG.debug("ignoring non-numeric metrics field '{}'", name);
      }
    }
    return new MetricsEntry(step.asLong(), Split.fromJsonName(split.asText()), values);
  }

  private static boolean isNonFinite(String s) {
    return s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity");
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
