package io.pldr.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.DataConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
  @TempDir Path dir;

  static List<String> read(Corpus c) {
    try (Stream<String> docs = c.documents()) {
      return docs.toList();
    }
  }

  @Test
  void textFilesAreCutAtBlankLinesAndReadInOrder() throws IOException {
    Path a = dir.resolve("a.txt");
    Files.writeString(
        a,
        "\uFEFF\n\nfirst line\nsecond line\n\n \t \n\nnext doc\r\nsame doc\r\n\r\n" + "last doc");
    Path b = dir.resolve("b.txt");
    Files.writeString(b, "other file\n");
    Corpus c = Corpus.ofFiles(List.of(a, b), "text");

    assertThat(read(c))
        .containsExactly("first line\nsecond line", "next doc\nsame doc", "last doc", "other file");
    assertThat(c.describe()).isEqualTo(a + ", " + b);
  }

  @Test
  void jsonLinesGiveOneDocumentPerLineFromTheConfiguredField() throws IOException {
    Path f = dir.resolve("d.jsonl");
    Files.writeString(
        f,
        "{\"body\": \"héllo\\nworld\", \"id\": 1}\n\n{\"body\": \"日本 🐳\"}\n"
            + "{\"body\": \"\"}\n");
    assertThat(read(Corpus.ofFiles(List.of(f), "body"))).containsExactly("héllo\nworld", "日本 🐳");
  }

  @Test
  void aMalformedJsonLineFailsNamingFileAndLine() throws IOException {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"text\": \"ok\"}\n\n{\"text\": \"broken\n{\"text\": \"never\"}\n");
    Corpus c = Corpus.ofFiles(List.of(f), "text");
    try (Stream<String> docs = c.documents()) {
      var it = docs.iterator();
      assertThat(it.next()).isEqualTo("ok");
      assertThatThrownBy(it::next)
          .isInstanceOf(CorpusException.class)
          .hasMessageContaining(f + ":3:")
          .hasMessageContaining("malformed JSON");
    }
    Path g = dir.resolve("nofield.jsonl");
    Files.writeString(g, "{\"text\": \"ok\"}\n{\"txt\": \"x\"}\n");
    assertThatThrownBy(() -> read(Corpus.ofFiles(List.of(g), "text")))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining(g + ":2:")
        .hasMessageContaining("'text'");
    Path h = dir.resolve("trailing.jsonl");
    Files.writeString(h, "{\"text\": \"ok\"} trailing\n");
    assertThatThrownBy(() -> read(Corpus.ofFiles(List.of(h), "text")))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining(h + ":1:");
  }

  @Test
  void stateOfTheUnionLinesAreCutIntoSentences() throws IOException {
    Path f = dir.resolve("sotu.txt");
    Files.writeString(
        f,
        "Mr. Speaker, the state of the Union is strong. We will act! Will you?\n"
            + "\n"
            + "Fellow citizens: 2.5 million jobs were added. The U.S. Senate and John F. Kennedy"
            + " agreed.\n");
    Corpus c = Corpus.ofSentenceLines(List.of(f));
    assertThat(read(c))
        .containsExactly(
            "Mr. Speaker, the state of the Union is strong.",
            "We will act!",
            "Will you?",
            "Fellow citizens: 2.5 million jobs were added.",
            "The U.S. Senate and John F. Kennedy agreed.");
    assertThat(c.fingerprint()).isNotEqualTo(Corpus.ofFiles(List.of(f), "text").fingerprint());
  }

  @Test
  void theEmbeddedCorpusIsMobyDick() {
    List<String> docs = read(Corpus.embedded("moby-dick"));
    assertThat(docs.get(0)).isEqualTo("CHAPTER 1. Loomings.");
    assertThat(docs.get(1)).startsWith("Call me Ishmael.").contains("\n");
    assertThat(docs).hasSizeBetween(2000, 4000);
    assertThat(docs.stream().mapToLong(String::length).sum()).isBetween(1_100_000L, 1_250_000L);
  }

  @Test
  void missingFilesUnknownNamesAndOtherExtensionsFailClearly() throws IOException {
    Path missing = dir.resolve("missing.txt");
    assertThatThrownBy(() -> Corpus.ofFiles(List.of(missing), "text"))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> Corpus.embedded("moby"))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining("'moby'")
        .hasMessageContaining("moby-dick");
    Path csv = Files.writeString(dir.resolve("x.csv"), "a,b");
    assertThatThrownBy(() -> Corpus.ofFiles(List.of(csv), "text"))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining(csv.toString())
        .hasMessageContaining(".jsonl");
  }

  @Test
  void configPicksFilesOrTheEmbeddedCorpus() throws IOException {
    assertThat(Corpus.fromConfig(DataConfig.getDefaultInstance()).sources())
        .containsExactly(new Corpus.EmbeddedSource("moby-dick", Corpus.EMBEDDED.get("moby-dick")));
    Path f = Files.writeString(dir.resolve("c.jsonl"), "{\"content\": \"x\"}\n");
    Corpus c =
        Corpus.fromConfig(
            DataConfig.newBuilder().addTrainFiles(f.toString()).setJsonlField("content").build());
    assertThat(read(c)).containsExactly("x");
  }

  @Test
  void veryLongDocumentsAreCutAtLineEnds() throws IOException {
    String line = "x".repeat(99);
    int lines = Corpus.MAX_DOCUMENT_CHARS / 100 + 50;
    Path f = dir.resolve("long.txt");
    Files.writeString(f, (line + "\n").repeat(lines));
    List<String> docs = read(Corpus.ofFiles(List.of(f), "text"));

    assertThat(docs).hasSize(2);
    assertThat(docs.get(0).length())
        .isBetween(Corpus.MAX_DOCUMENT_CHARS, Corpus.MAX_DOCUMENT_CHARS + 100);
    assertThat(docs.get(0)).endsWith(line);
    assertThat(docs.get(0).length() + 1 + docs.get(1).length()).isEqualTo(lines * 100 - 1);
  }

  @Test
  void fingerprintFollowsPathSizeAndModificationTime() throws IOException {
    Path f = dir.resolve("f.txt");
    Files.writeString(f, "abc");
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000));
    String first = Corpus.ofFiles(List.of(f), "text").fingerprint();
    assertThat(Corpus.ofFiles(List.of(f), "text").fingerprint()).isEqualTo(first);
    assertThat(Corpus.ofFiles(List.of(f), "body").fingerprint()).isNotEqualTo(first);

    Files.setLastModifiedTime(f, FileTime.fromMillis(2_000_000));
    String touched = Corpus.ofFiles(List.of(f), "text").fingerprint();
    assertThat(touched).isNotEqualTo(first);

    Files.write(f, "abcd".getBytes(StandardCharsets.UTF_8));
    Files.setLastModifiedTime(f, FileTime.fromMillis(2_000_000));
    assertThat(Corpus.ofFiles(List.of(f), "text").fingerprint()).isNotEqualTo(touched);
    assertThat(Corpus.embedded("moby-dick").fingerprint())
        .hasSize(64)
        .isEqualTo(Corpus.embedded("moby-dick").fingerprint());
  }

  @Test
  void aBinaryFileIsRefusedNamingFileLineAndByteInsteadOfTrainingOnReplacementCharacters()
      throws IOException {
    Path bin = dir.resolve("model.txt");
    byte[] bytes = new byte[1024];
    new java.util.Random(3).nextBytes(bytes);
    bytes[0] = 'A';
    bytes[1] = '\n';
    bytes[2] = (byte) 0xFF; // never valid in UTF-8
    Files.write(bin, bytes);
    assertThatThrownBy(() -> read(Corpus.ofFiles(List.of(bin), "text")))
        .isInstanceOf(CorpusException.class)
        .hasMessage(
            "cannot read the training file "
                + bin
                + ": line 2 (byte 2) is not valid UTF-8 (byte 0xFF); pldr reads text as UTF-8"
                + " only");
  }

  @Test
  void invalidUtf8InAJsonLinesFileNamesItsLine() throws IOException {
    Path f = dir.resolve("latin1.jsonl");
    byte[] ok = "{\"text\": \"ok\"}\n{\"text\": \"caf".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = java.util.Arrays.copyOf(ok, ok.length + 3);
    bytes[ok.length] = (byte) 0xE9; // é in Latin-1
    bytes[ok.length + 1] = '"';
    bytes[ok.length + 2] = '}';
    Files.write(f, bytes);
    assertThatThrownBy(() -> read(Corpus.ofFiles(List.of(f), "text")))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining(
            f + ": line 2 (byte " + ok.length + ") is not valid UTF-8 (byte 0xE9)");
  }
}
