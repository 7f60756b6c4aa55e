package io.pldr.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pldr.api.config.DataConfig;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.BreakIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The documents of a training corpus, read as a stream, one line at a time: {@code .txt} files
 * (documents separated by one or more blank lines; the lines of a document joined by {@code \n}),
 * {@code .jsonl} files (one JSON object per line, its text in a field), files of one text per line
 * cut into sentences (the State of the Union format), or an embedded corpus by name. A document
 * longer than {@link #MAX_DOCUMENT_CHARS} characters is cut at a line end into several documents,
 * so memory stays bounded. Files are read as strict UTF-8: an invalid byte fails naming the file,
 * line and byte offset.
 */
public final class Corpus {
  /** Embedded corpora by name, with their class-path resources. */
  public static final Map<String, String> EMBEDDED =
      Map.of("moby-dick", "/io/pldr/train/corpus/moby-dick.txt");

  /** The embedded corpus used when a configuration names neither files nor a corpus. */
  public static final String DEFAULT_EMBEDDED = "moby-dick";

  /** The JSON field of a document's text when a configuration leaves it unset. */
  public static final String DEFAULT_JSONL_FIELD = "text";

  /** Longest document handed out; longer ones are cut at a line end. */
  public static final int MAX_DOCUMENT_CHARS = 1 << 20;

  /** Titles and abbreviations after which a period does not end a sentence. */
  private static final Set<String> ABBREVIATIONS =
      Set.of(
          "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "hon", "pres",
          "prof", "rev", "no", "vs", "etc", "co", "inc", "ltd", "mt", "ft", "jan", "feb", "mar",
          "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");

  /** Where documents come from. */
  public sealed interface Source permits FileSource, EmbeddedSource {
    /** A short name for messages. */
    String name();
  }

  /** How a file holds its documents. */
  public enum Format {
    /** Documents separated by one or more blank lines. */
    TEXT,
    /** One JSON object per line, the document in a string field. */
    JSON_LINES,
    /**
     * One text per line (the State of the Union corpus: an address per line), cut into sentences;
     * each sentence is a document.
     */
    SENTENCE_LINES
  }

  /** A file and its format. */
  public record FileSource(Path path, Format format) implements Source {
    @Override
    public String name() {
      return path.toString();
    }
  }

  /** A corpus inside the pldr-train jar. */
  public record EmbeddedSource(String name, String resource) implements Source {}

  private final List<Source> sources;
  private final String jsonlField;

  private Corpus(List<Source> sources, String jsonlField) {
    this.sources = List.copyOf(sources);
    this.jsonlField = jsonlField;
  }

  /**
   * The corpus of a data configuration: its {@code train_files}, else its {@code embedded_corpus},
   * else Moby-Dick.
   */
  public static Corpus fromConfig(DataConfig config) {
    if (config.getTrainFilesCount() == 0) {
      return embedded(
          config.getEmbeddedCorpus().isEmpty() ? DEFAULT_EMBEDDED : config.getEmbeddedCorpus());
    }
    List<Path> files = config.getTrainFilesList().stream().map(Path::of).toList();
    return ofFiles(
        files, config.getJsonlField().isEmpty() ? DEFAULT_JSONL_FIELD : config.getJsonlField());
  }

  /**
   * The documents of {@code files} in order: {@code .jsonl} files hold one JSON object per line
   * with the text in {@code jsonlField}; {@code .txt} files hold blank-line separated documents.
   * Fails if a file is missing or has another extension.
   */
  public static Corpus ofFiles(List<Path> files, String jsonlField) {
    List<Source> sources = new ArrayList<>();
    for (Path f : existing(files)) {
      String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".jsonl")) {
        sources.add(new FileSource(f, Format.JSON_LINES));
      } else if (name.endsWith(".txt")) {
        sources.add(new FileSource(f, Format.TEXT));
      } else {
        throw new CorpusException(
            "training file "
                + f
                + " is neither .txt (blank-line separated documents) nor .jsonl (JSON lines)");
      }
    }
    return new Corpus(sources, jsonlField);
  }

  /**
   * Files in the State of the Union format: one address (any text) per line, each cut into
   * sentences (English rules of {@link BreakIterator}), one document per sentence.
   */
  public static Corpus ofSentenceLines(List<Path> files) {
    List<Source> sources = new ArrayList<>();
    for (Path f : existing(files)) {
      sources.add(new FileSource(f, Format.SENTENCE_LINES));
    }
    return new Corpus(sources, DEFAULT_JSONL_FIELD);
  }

  private static List<Path> existing(List<Path> files) {
    if (files.isEmpty()) {
      throw new CorpusException("no training files");
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new CorpusException("training file " + f + " does not exist or is not a file");
      }
    }
    return files;
  }

  /** An embedded corpus by name ({@link #EMBEDDED}); fails for an unknown name. */
  public static Corpus embedded(String name) {
    String resource = EMBEDDED.get(name);
    if (resource == null) {
      throw new CorpusException(
          "unknown embedded corpus '"
              + name
              + "'; known: "
              + String.join(", ", EMBEDDED.keySet().stream().sorted().toList()));
    }
    return new Corpus(List.of(new EmbeddedSource(name, resource)), DEFAULT_JSONL_FIELD);
  }

  /** The sources, in reading order. */
  public List<Source> sources() {
    return sources;
  }

  /** The JSON field read from {@code .jsonl} files. */
  public String jsonlField() {
    return jsonlField;
  }

  /** The source names, comma separated, for messages. */
  public String describe() {
    return sources.stream().map(Source::name).collect(Collectors.joining(", "));
  }

  /**
   * The documents, read lazily; close the stream to close the file being read. Read errors and
   * malformed lines surface as {@link CorpusException}s naming the file (and line).
   */
  public Stream<String> documents() {
    DocumentIterator it = new DocumentIterator();
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(it::close);
  }

  /**
   * A SHA-256 (hex) of what decides the documents: each file's absolute path, size and modification
   * time, each embedded corpus's name and content, the JSON field and the rules that cut documents.
   */
  public String fingerprint() {
    try {
      Fingerprint f =
          new Fingerprint()
              .add("pldr-corpus-1")
              .add(jsonlField)
              .add(Integer.toString(MAX_DOCUMENT_CHARS));
      for (Source s : sources) {
        if (s instanceof FileSource file) {
          Path abs = file.path().toAbsolutePath().normalize();
          BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
          f.add("file")
              .add(file.format().name())
              .add(abs.toString())
              .add(Long.toString(a.size()))
              .add(Long.toString(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
        } else if (s instanceof EmbeddedSource e) {
          f.add("embedded").add(e.name());
          try (InputStream in = openResource(e)) {
            f.add(in);
          }
        }
      }
      return f.hex();
    } catch (IOException e) {
      throw new CorpusException("cannot read the training files: " + IoErrors.reason(e), e);
    }
  }

  private static InputStream openResource(EmbeddedSource e) throws IOException {
    InputStream in = Corpus.class.getResourceAsStream(e.resource());
    if (in == null) {
      throw new IOException(
          "embedded corpus " + e.name() + " is missing from the class path (" + e.resource() + ")");
    }
    return in;
  }

  /** True if the text ends with "Mr. " or an initial such as "J. " or "U.S. ". */
  private static boolean endsWithAbbreviation(CharSequence text) {
    String t = text.toString().stripTrailing();
    if (!t.endsWith(".")) {
      return false;
    }
    int start = t.length() - 1;
    while (start > 0 && !Character.isWhitespace(t.charAt(start - 1))) {
      start--;
    }
    String word = t.substring(start, t.length() - 1).toLowerCase(Locale.ROOT);
    return ABBREVIATIONS.contains(word) || word.matches("(\\p{L}\\.)*\\p{L}");
  }

  /** Walks the sources, one open reader at a time. */
  private final class DocumentIterator implements Iterator<String>, AutoCloseable {
    private final ObjectMapper json =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private int nextSource;
    private Source source;
    private StrictText.LineReader reader;
    private long lineNo;
    private String pending;
    private boolean exhausted;
    private final ArrayDeque<String> sentences = new ArrayDeque<>();

    @Override
    public boolean hasNext() {
      while (pending == null && !exhausted) {
        try {
          if (reader == null) {
            if (nextSource == sources.size()) {
              exhausted = true;
              break;
            }
            open(sources.get(nextSource++));
          }
          pending = readDocument();
          if (pending == null) {
            closeReader();
          }
        } catch (IOException e) {
          close();
          throw new CorpusException(
              "cannot read the training "
                  + (source instanceof FileSource ? "file " : "corpus ")
                  + source.name()
                  + ": "
                  + IoErrors.reason(e),
              e);
        } catch (CorpusException e) {
          close();
          throw e;
        }
      }
      return pending != null;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String d = pending;
      pending = null;
      return d;
    }

    @Override
    public void close() {
      exhausted = true;
      try {
        closeReader();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void open(Source s) throws IOException {
      source = s;
      lineNo = 0;
      sentences.clear();
      InputStream in =
          s instanceof FileSource f
              ? Files.newInputStream(f.path())
              : openResource((EmbeddedSource) s);
      reader = StrictText.lines(in, s.name());
    }

    private void closeReader() throws IOException {
      if (reader != null) {
        StrictText.LineReader r = reader;
        reader = null;
        r.close();
      }
    }

    private String readLine() throws IOException {
      String line = reader.readLine();
      if (line != null && lineNo++ == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      return line;
    }

    /** The next document of the open source, or null at its end. */
    private String readDocument() throws IOException {
      Format format = source instanceof FileSource f ? f.format() : Format.TEXT;
      if (format == Format.JSON_LINES) {
        return readJsonDocument();
      }
      if (format == Format.SENTENCE_LINES) {
        return readSentence();
      }
      return readTextDocument();
    }

    private String readSentence() throws IOException {
      while (sentences.isEmpty()) {
        String line = readLine();
        if (line == null) {
          return null;
        }
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(line);
        StringBuilder sentence = new StringBuilder();
        for (int start = it.first(), end = it.next();
            end != BreakIterator.DONE;
            start = end, end = it.next()) {
          sentence.append(line, start, end);
          if (!endsWithAbbreviation(sentence)) {
            addSentence(sentence);
          }
        }
        addSentence(sentence);
      }
      return sentences.poll();
    }

    private String readTextDocument() throws IOException {
      StringBuilder doc = new StringBuilder();
      for (String line; (line = readLine()) != null; ) {
        if (line.isBlank()) {
          if (doc.length() > 0) {
            return doc.toString();
          }
          continue;
        }
        if (doc.length() > 0) {
          doc.append('\n');
        }
        doc.append(line);
        if (doc.length() >= MAX_DOCUMENT_CHARS) {
          return doc.toString();
        }
      }
      return doc.length() > 0 ? doc.toString() : null;
    }

    private void addSentence(StringBuilder sentence) {
      String text = sentence.toString().strip();
      if (!text.isEmpty()) {
        sentences.add(text);
      }
      sentence.setLength(0);
    }

    private String readJsonDocument() throws IOException {
      for (String line; (line = readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = json.readTree(line);
        } catch (JsonProcessingException e) {
          throw new CorpusException(
              source.name() + ":" + lineNo + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
          throw new CorpusException(source.name() + ":" + lineNo + ": expected a JSON object");
        }
        JsonNode text = node.get(jsonlField);
        if (text == null || !text.isTextual()) {
          throw new CorpusException(
              source.name() + ":" + lineNo + ": no string field '" + jsonlField + "'");
        }
        if (!text.asText().isEmpty()) {
          return text.asText();
        }
      }
      return null;
    }
  }
}
