package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsHistoryTest {
  @TempDir Path run;

  private static Map<String, Double> values(Object... nameValue) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], ((Number) nameValue[i + 1]).doubleValue());
    }
    return m;
  }

  private void writeSixSteps() throws IOException {
    try (MetricsHistory h = MetricsHistory.open(run)) {
      for (int step = 1; step <= 6; step++) {
        h.append(step, Split.TRAIN, values("loss", 4.0 - step * 0.25, "lr", step * 1e-4));
        if (step % 2 == 0) {
          h.append(step, Split.VALIDATION, values("loss", 4.5 - step * 0.25, "accuracy", 0.1));
        }
      }
    }
  }

  @Test
  void writesOneJsonObjectPerLineAndFlushesEachWrite() throws IOException {
    try (MetricsHistory h = MetricsHistory.open(run)) {
      h.append(1, Split.TRAIN, values("loss", 3.2104, "accuracy", 0.25, "lr", 8e-4));
      // Readable before close: each append reaches the file.
      assertThat(Files.readAllLines(run.resolve("metrics.jsonl")))
          .containsExactly(
              "{\"step\":1,\"split\":\"train\",\"loss\":3.2104,\"accuracy\":0.25,\"lr\":8.0E-4}");
      h.append(1, Split.VALIDATION, values("loss", Double.NaN));
    }
    assertThat(Files.readAllLines(run.resolve("metrics.jsonl")))
        .element(1)
        .isEqualTo("{\"step\":1,\"split\":\"validation\",\"loss\":\"NaN\"}");
    List<MetricsEntry> back = MetricsHistory.read(run.resolve("metrics.jsonl"));
    assertThat(back).hasSize(2);
    assertThat(back.get(0))
        .isEqualTo(
            new MetricsEntry(1, Split.TRAIN, values("loss", 3.2104, "accuracy", 0.25, "lr", 8e-4)));
    assertThat(back.get(1).value("loss").orElseThrow()).isNaN();
    assertThat(back.get(1).value("accuracy")).isEmpty();
  }

  @Test
  void reopeningContinuesTheHistory() throws IOException {
    writeSixSteps();
    try (MetricsHistory h = MetricsHistory.open(run)) {
      assertThat(h.entries()).hasSize(9);
      assertThat(h.entries(Split.VALIDATION))
          .extracting(MetricsEntry::step)
          .containsExactly(2L, 4L, 6L);
      h.append(7, Split.TRAIN, values("loss", 2.0));
    }
    assertThat(MetricsHistory.read(run.resolve("metrics.jsonl")))
        .extracting(MetricsEntry::step)
        .containsExactly(1L, 2L, 2L, 3L, 4L, 4L, 5L, 6L, 6L, 7L);
  }

  @Test
  void resumeDropsEntriesAfterTheCheckpointStep() throws IOException {
    writeSixSteps();
    List<String> original = Files.readAllLines(run.resolve("metrics.jsonl"));
    try (MetricsHistory h = MetricsHistory.resume(run, 4)) {
      assertThat(h.entries())
          .extracting(MetricsEntry::step)
          .containsExactly(1L, 2L, 2L, 3L, 4L, 4L);
      // The file already matches: the lost steps are gone before anything new is written.
      assertThat(Files.readAllLines(run.resolve("metrics.jsonl")))
          .isEqualTo(original.subList(0, 6));
      h.append(5, Split.TRAIN, values("loss", 9.0));
    }
    List<MetricsEntry> back = MetricsHistory.read(run.resolve("metrics.jsonl"));
    assertThat(back).extracting(MetricsEntry::step).containsExactly(1L, 2L, 2L, 3L, 4L, 4L, 5L);
    assertThat(back.get(6).value("loss")).hasValue(9.0);
  }

  @Test
  void aLastLineCutShortIsDroppedAndTheFileRepaired() throws IOException {
    writeSixSteps();
    Path file = run.resolve("metrics.jsonl");
    Files.writeString(
        file,
        "{\"step\":7,\"split\":\"tr",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(MetricsHistory.read(file)).hasSize(9);
    try (MetricsHistory h = MetricsHistory.open(run)) {
      assertThat(h.entries()).hasSize(9);
      h.append(7, Split.TRAIN, values("loss", 1.5));
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(10);
    assertThat(lines.get(9)).isEqualTo("{\"step\":7,\"split\":\"train\",\"loss\":1.5}");
  }

  @Test
  void aBrokenLineInTheMiddleIsAnError() throws IOException {
    Path file = run.resolve("metrics.jsonl");
    Files.writeString(
        file,
        "{\"step\":1,\"split\":\"train\",\"loss\":1}\nnot json\n"
            + "{\"step\":2,\"split\":\"train\",\"loss\":1}\n");
    assertThatThrownBy(() -> MetricsHistory.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void reservedNamesAreNotMetrics() {
    assertThatThrownBy(() -> new MetricsEntry(1, Split.TRAIN, values("step", 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lossCurvesComeFromTheHistory() throws IOException {
    writeSixSteps();
    LossCurves curves =
        LossCurves.fromHistory(MetricsHistory.read(run.resolve("metrics.jsonl")), "loss");
    assertThat(curves.train())
        .extracting(LossCurves.Point::step)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(curves.train().get(0).loss()).isEqualTo(3.75);
    assertThat(curves.validation())
        .containsExactly(
            new LossCurves.Point(2, 4.0),
            new LossCurves.Point(4, 3.5),
            new LossCurves.Point(6, 3.0));
  }
}
