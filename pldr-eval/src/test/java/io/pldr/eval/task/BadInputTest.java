package io.pldr.eval.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing files, malformed lines, unknown tasks and gold labels out of range fail clearly. */
class BadInputTest {
  private static final String PIQA_ITEM =
      "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\"," + " \"label\": 0}";

  @TempDir Path dir;

  private Path write(String file, String... lines) throws Exception {
    return Files.write(dir.resolve(file), java.util.List.of(lines));
  }

  @Test
  void missingFileNamesThePathAndTheExpectedFile() {
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(new Piqa(), dir))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining(dir.resolve("piqa.jsonl").toString())
        .hasMessageContaining("expected piqa.jsonl")
        .hasMessageContaining("ybisk/piqa");
  }

  @Test
  void malformedLineStopsNamingFileAndLine() throws Exception {
    Path file = write("piqa.jsonl", PIQA_ITEM, "", "{\"goal\": \"g\", \"sol1\": ", PIQA_ITEM);
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(new Piqa(), dir))
        .isInstanceOf(BadItemException.class)
        .hasMessageStartingWith(file + " line 3: malformed JSON");
  }

  @Test
  void malformedLinesAreSkippedAndReportedWhenChosen() throws Exception {
    Path file =
        write(
            "piqa.jsonl",
            PIQA_ITEM,
            "[1, 2]",
            "{\"goal\": \"g\"} trailing",
            "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": 7, \"label\": 0}",
            PIQA_ITEM);
    TaskData data = new TaskReader(OnBadLine.SKIP, 0).read(new Piqa(), dir);
    assertThat(data.docs()).extracting(d -> d.source().line()).containsExactly(1, 5);
    assertThat(data.skipped())
        .extracting(BadItemException::getMessage)
        .satisfiesExactly(
            m -> assertThat(m).isEqualTo(file + " line 2: expected a JSON object, found [1, 2]"),
            m -> assertThat(m).startsWith(file + " line 3: malformed JSON (").endsWith("trailing"),
            m -> assertThat(m).isEqualTo(file + " line 4: field 'sol2' must be a string, found 7"));
  }

  @Test
  void missingFieldIsNamed() throws Exception {
    Path file =
        write(
            "siqa.jsonl",
            "{\"context\": \"c\", \"question\": \"q\", \"answerA\": \"a\","
                + " \"answerB\": \"b\", \"label\": \"1\"}");
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(new Siqa(), dir))
        .hasMessage(file + " line 1: missing field 'answerC'");
  }

  @Test
  void goldLabelOutOfRangeFailsNamingFileLineAndValueEvenWhenSkipping() throws Exception {
    Path file =
        write(
            "siqa.jsonl",
            "{\"context\": \"c\", \"question\": \"q\", \"answerA\": \"a\","
                + " \"answerB\": \"b\", \"answerC\": \"c\", \"label\": \"4\"}");
    assertThatThrownBy(() -> new TaskReader(OnBadLine.SKIP, 0).read(new Siqa(), dir))
        .isInstanceOf(BadItemException.class)
        .hasMessage(
            file
                + " line 1: gold label 'label' = \"4\" is out of range: expected 1..3"
                + " for 3 choices");
  }

  @Test
  void unlabelledTestSplitItemIsOutOfRange() throws Exception {
    Path file =
        write(
            "hellaswag.jsonl",
            "{\"activity_label\": \"a\", \"ctx_a\": \"b\","
                + " \"ctx_b\": \"c\", \"endings\": [\"d\", \"e\"], \"label\": \"\"}");
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(new HellaSwag(), dir))
        .hasMessage(
            file
                + " line 1: gold label 'label' = \"\" is out of range: expected 0..1"
                + " for 2 choices");
  }

  @Test
  void answerKeyNotAmongTheLabelsIsOutOfRange() throws Exception {
    Path file =
        write(
            "arc_easy.jsonl",
            "{\"question\": \"q\", \"choices\": {\"text\": [\"x\","
                + " \"y\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"E\"}");
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(Arc.easy(), dir))
        .hasMessage(
            file
                + " line 1: gold label 'answerKey' = \"E\" is not one of choices.label"
                + " [A, B]");
  }

  @Test
  void mc2LabelOtherThanZeroOrOneIsOutOfRange() throws Exception {
    write(
        "truthfulqa_mc.jsonl",
        "{\"question\": \"q\", \"mc2_targets\": {\"choices\": [\"a\","
            + " \"b\"], \"labels\": [1, 2]}}");
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(TruthfulQa.mc2(), dir))
        .hasMessageContaining("line 1: gold label 'mc2_targets.labels' holds 2");
  }

  @Test
  void unknownTaskNameListsTheKnownOnes() {
    assertThatThrownBy(() -> TaskRegistry.standard().resolve("arc_easy,mmlu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown task 'mmlu'; known tasks: arc_challenge, arc_easy,")
        .hasMessageContaining("lambada_openai (or all)");
  }

  @Test
  void limitKeepsTheFirstDocuments() throws Exception {
    write("piqa.jsonl", PIQA_ITEM, PIQA_ITEM, PIQA_ITEM);
    assertThat(new TaskReader(OnBadLine.STOP, 2).read(new Piqa(), dir).docs()).hasSize(2);
  }

  @Test
  void fileWithoutDocumentsFails() throws Exception {
    write("piqa.jsonl", "", "  ");
    assertThatThrownBy(() -> new TaskReader(OnBadLine.STOP, 0).read(new Piqa(), dir))
        .hasMessageContaining("holds no document");
  }

  @Test
  void invalidUtf8FailsNamingFileLineAndByteEvenWhenSkippingBadLines() throws Exception {
    Path file = dir.resolve("piqa.jsonl");
    byte[] first = (PIQA_ITEM + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bytes = java.util.Arrays.copyOf(first, first.length + 4);
    bytes[first.length] = '{';
    bytes[first.length + 1] = (byte) 0xC3; // a lead byte without its continuation
    bytes[first.length + 2] = '(';
    bytes[first.length + 3] = '}';
    Files.write(file, bytes);
    for (OnBadLine policy : OnBadLine.values()) {
      assertThatThrownBy(() -> new TaskReader(policy, 0).read(new Piqa(), dir))
          .isInstanceOf(io.pldr.api.io.MalformedTextException.class)
          .hasMessage(
              file
                  + ": line 2 (byte "
                  + (first.length + 1)
                  + ") is not valid UTF-8 (byte 0xC3); pldr reads text as UTF-8 only");
    }
  }
}
