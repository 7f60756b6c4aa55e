package io.pldr.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.eval.FixedEngine;
import io.pldr.eval.TestTasks;
import io.pldr.eval.run.EvalProgress;
import io.pldr.eval.run.Evaluation;
import io.pldr.eval.task.Arc;
import io.pldr.eval.task.Lambada;
import io.pldr.eval.task.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two settings side by side in the paper's table, their difference, JSON with a header. */
class ReportTest {
  @TempDir Path dir;

  private EvalReport report() {
    TaskData arc = TestTasks.read(Arc.easy());
    TaskData lambada = TestTasks.read(new Lambada());
    // With G-cache: ARC acc_norm 1.0; without: 0.5 (item 2 goes to "ruler", 5 characters).
    FixedEngine cached =
        new FixedEngine()
            .put(arc.docs().get(0), -4, -6, -7, -5.5)
            .put(arc.docs().get(1), -3, -2, -1.5)
            .put(lambada.docs().get(0).requests().get(0), -2, true)
            .put(lambada.docs().get(1).requests().get(0), -4, false);
    FixedEngine uncached =
        new FixedEngine()
            .put(arc.docs().get(0), -4, -6, -7, -5.5)
            .put(arc.docs().get(1), -1, -2, -4)
            .put(lambada.docs().get(0).requests().get(0), -2, true)
            .put(lambada.docs().get(1).requests().get(0), -3, false);
    Header header =
        Header.of(
            "step-00000600",
            Map.of("checkpoint", "runs/x"),
            Map.of("limit", 0),
            "2026-01-01T00:00:00Z");
    return new Evaluation(EvalProgress.none())
        .run(
            header,
            List.of(arc, lambada),
            List.of(
                new Evaluation.Setting("g_cache", "G-cache (kv_g)", cached),
                new Evaluation.Setting("no_cache", "no cache", uncached)));
  }

  @Test
  void markdownHasOneRowPerSettingAndTheirDifference() {
    String md = new ReportWriter().markdown(report());
    assertThat(md)
        .startsWith(
            """
        | Model | Setting | ARC-e | LAMBADA | Avg. | LAMBADA ppl |
        |---|---|---:|---:|---:|---:|
        | step-00000600 | G-cache (kv_g) | 100.00 | 50.00 | 75.00 | 20.09 |
        | step-00000600 | no cache | 50.00 | 50.00 | 50.00 | 12.18 |
        | step-00000600 | difference | +50.00 | +0.00 | +25.00 | +7.90 |
        """);
    assertThat(md)
        .contains("+7.90 |\n\nZero-shot scores")
        .contains("acc_norm for ARC-e; acc for LAMBADA")
        .contains("lm-evaluation-harness v0.4.12")
        .contains("ARC-e 2, LAMBADA 2")
        .contains("| RMSE | 1.21e+00 | 7.07e-01 |") // ARC: √((2² + 2.5²) / 7 requests)
        .contains("| max abs difference | 2.50e+00 | 1.00e+00 |");
  }

  @Test
  void jsonCarriesTheHeaderEverySettingAndTheComparison() throws Exception {
    List<Path> files = new ReportWriter().write(report(), dir);
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("eval.json", "eval.md");
    JsonNode j = new ObjectMapper().readTree(Files.readString(dir.resolve("eval.json")));
    assertThat(j.at("/header/format").asText()).isEqualTo("pldr-eval");
    assertThat(j.at("/header/version").asInt()).isEqualTo(1);
    assertThat(j.at("/header/harness").asText()).isEqualTo("lm-evaluation-harness v0.4.12");
    assertThat(j.at("/settings/0/setting").asText()).isEqualTo("g_cache");
    assertThat(j.at("/settings/0/tasks/0/metrics/acc_norm/value").asDouble()).isEqualTo(1.0);
    assertThat(j.at("/settings/1/tasks/1/metrics/perplexity/value").asDouble())
        .isCloseTo(Math.exp(2.5), within(1e-9));
    assertThat(j.at("/comparisons/0/difference/acc_norm").asDouble()).isEqualTo(0.5);
    assertThat(j.at("/settings/0/tasks/0").has("loglikelihoods")).isFalse();
    assertThat(Files.readString(dir.resolve("eval.md"))).contains("| difference |");
  }
}
