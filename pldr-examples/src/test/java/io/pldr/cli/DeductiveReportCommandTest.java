package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pldr deductive-report} on a tiny trained model, and its errors. */
class DeductiveReportCommandTest {
  @TempDir static Path dir;
  private static Path run;

  @BeforeAll
  static void trainTinyModel() throws Exception {
    run = TinyTraining.train(dir);
  }

  @Test
  void printsOneRowPerLayerAndHeadAndWritesJson() throws Exception {
    Path prompts = dir.resolve("prompts.txt");
    Files.writeString(prompts, "the whale follows\n\nthe sea is calm\nthe ship and the sea\n");
    Path json = dir.resolve("report.json");
    CliRun r =
        CliRun.of(
            "deductive-report",
            "--checkpoint",
            run.toString(),
            "--prompts",
            prompts.toString(),
            "--continuation",
            "3",
            "--json",
            json.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("3 prompts, float64;")
        .contains("log|det G_LM|")
        .contains("wrote " + json);
    JsonNode rows = new ObjectMapper().readTree(Files.readString(json)).get("rows");
    assertThat(rows).hasSize(2); // 1 layer × 2 heads
    for (JsonNode row : rows) {
      assertThat(row.get("rmseGLmAcrossPrompts").asDouble()).isPositive();
      assertThat(row.get("meanLogAbsDetGLm").asDouble()).isFinite();
      assertThat(row.get("negativeDetGLmShare").asDouble()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void onePromptIsNotEnough() throws Exception {
    Path prompts = dir.resolve("one.txt");
    Files.writeString(prompts, "the whale\n");
    CliRun r =
        CliRun.of(
            "deductive-report", "--checkpoint", run.toString(), "--prompts", prompts.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("pldr deductive-report: error: " + prompts + ": needs at least two prompts")
        .doesNotContain("\tat ");
  }
}
