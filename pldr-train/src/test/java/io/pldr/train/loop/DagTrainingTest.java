package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pldr.train.observe.MetricsEntry;
import io.pldr.train.observe.MetricsHistory;
import io.pldr.train.observe.Split;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with DAG regularisation (v510_dag): the terms reach the loss, the history and TensorBoard.
 */
class DagTrainingTest {
  @TempDir Path dir;

  @Test
  void everyTermIsLoggedAndTheObjectiveIsTheLossPlusTheWeightedTerms() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    Path out = dir.resolve("run");
    TrainingSummary summary =
        TinyRun.trainer()
            .run(
                TinyRun.parse(
                    TinyRun.config(corpus, out, "steps: 4 dag { c_a: 0.01 c_p: 0.001 c_g: 0.02 }")),
                false,
                dir.resolve("cache"));
    assertThat(Double.isFinite(summary.validationLoss())).isTrue();

    List<MetricsEntry> entries = MetricsHistory.read(out.resolve(MetricsHistory.FILE_NAME));
    assertThat(entries)
        .extracting(MetricsEntry::split)
        .containsExactly(Split.TRAIN, Split.TRAIN, Split.VALIDATION);
    for (MetricsEntry e : entries) {
      double a = e.value("dag_A").orElseThrow();
      double p = e.value("dag_P").orElseThrow();
      double g = e.value("dag_G").orElseThrow();
      double loss = e.value("loss").orElseThrow();
      double objective = e.value("objective").orElseThrow();
      assertThat(a).isPositive();
      assertThat(p).isPositive();
      assertThat(g).isPositive();
      // float32: the graph adds the terms to the cross-entropy in single precision
      assertThat(objective - loss)
          .as("step %d %s", e.step(), e.split())
          .isCloseTo(0.01 * a + 0.001 * p + 0.02 * g, within(1e-6 * Math.max(1, objective)));
    }
    String events;
    try (Stream<Path> files = Files.list(out.resolve("tensorboard"))) {
      StringBuilder b = new StringBuilder();
      for (Path f : files.toList()) {
        b.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
      events = b.toString();
    }
    assertThat(events)
        .contains(
            "dag/A",
            "dag/P",
            "dag/G",
            "dag/validation/A",
            "dag/validation/P",
            "dag/validation/G",
            "train/objective",
            "validation/objective");
  }

  @Test
  void withoutADagBlockNothingOfItIsComputedOrLogged() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    Path out = dir.resolve("plain");
    TinyRun.trainer()
        .run(TinyRun.parse(TinyRun.config(corpus, out, "steps: 2")), false, dir.resolve("cache"));
    assertThat(MetricsHistory.read(out.resolve(MetricsHistory.FILE_NAME)))
        .allSatisfy(
            e -> assertThat(e.values()).doesNotContainKeys("objective", "dag_A", "dag_P", "dag_G"));
  }
}
