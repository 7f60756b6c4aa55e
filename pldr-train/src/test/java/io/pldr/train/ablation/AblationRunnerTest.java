package io.pldr.train.ablation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.ConfigException;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.train.data.DataPosition;
import io.pldr.train.data.TrainingData;
import io.pldr.train.loop.TinyRun;
import io.pldr.train.loop.TrainingSummary;
import io.pldr.train.observe.MetricsEntry;
import io.pldr.train.observe.MetricsHistory;
import io.pldr.train.observe.Split;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny real ablations: same data order, the table from the runs, resuming, transferred G_LM. */
class AblationRunnerTest {
  @TempDir Path dir;
  private final StringWriter log = new StringWriter();

  /** A tiny ablation of 6 steps (checkpoints at 3 and 6, a log line every step). */
  private Ablation ablation(String variants) throws IOException {
    Path corpus = TinyRun.corpus(dir, 4000);
    Files.writeString(
        dir.resolve("base.textproto"),
        TinyRun.config(
            corpus,
            dir.resolve("unused"),
            "steps: 6 checkpoint_every: 3 eval_every: 3 log_every: 1"));
    Path file = dir.resolve("abl.textproto");
    Files.writeString(
        file,
        "base_config: \"base.textproto\"\nout_dir: \"" + dir.resolve("out") + "\"\n" + variants);
    return AblationConfigs.read(file);
  }

  private AblationReport run(Ablation a, String... only) throws IOException {
    return new AblationRunner(
            PldrInjectors::forConfig, dir.resolve("cache"), new PrintWriter(log, true))
        .run(a, Set.of(only));
  }

  private static double metric(Path run, Split split, long step, String name) throws IOException {
    return MetricsHistory.read(run.resolve(MetricsHistory.FILE_NAME)).stream()
        .filter(e -> e.split() == split && e.step() == step)
        .findFirst()
        .map(MetricsEntry::values)
        .orElseThrow()
        .get(name);
  }

  @Test
  void variantsTrainOnTheSameDataAndTheTableHoldsTheirNumbers() throws Exception {
    Ablation a =
        ablation(
            """
        variants { name: "learned" }
        variants { name: "learned-lr2" overrides: "optimizer.learning_rate=2e-2" }
        variants { name: "identity" operator { name: "identity" } seed: 9 }
        variants { name: "transferred" operator { name: "external" } g_cache_from: "learned"
                   g_cache_prompt: "the whale" }
        """);
    AblationReport report = run(a);
    Path out = dir.resolve("out");

    // Same data, same initial weights, another learning rate: the first step's loss (before
    // any update) is the same, the second is not. Another data order would change step 1.
    assertThat(metric(out.resolve("learned-lr2"), Split.TRAIN, 1, "loss"))
        .isEqualTo(metric(out.resolve("learned"), Split.TRAIN, 1, "loss"));
    assertThat(metric(out.resolve("learned-lr2"), Split.TRAIN, 2, "loss"))
        .isNotEqualTo(metric(out.resolve("learned"), Split.TRAIN, 2, "loss"));
    // Another seed moves only the initial weights: every variant's data pipeline yields the
    // same first batch, and every run records the base's data seed.
    long[][] first = firstBatch(a.variants().get(0));
    for (PlannedVariant v : a.variants()) {
      assertThat(firstBatch(v)).as(v.name()).isDeepEqualTo(first);
      var state = CheckpointStore.readState(v.outDir().resolve("checkpoints/step-00000006"));
      assertThat(state.getConfig().getDataSeed()).as(v.name()).isEqualTo(5);
      assertThat(state.getDataPosition())
          .isEqualTo(
              CheckpointStore.readState(out.resolve("learned/checkpoints/step-00000006"))
                  .getDataPosition());
    }
    assertThat(a.variant("identity").orElseThrow().config().getSeed()).isEqualTo(9);

    // The table's numbers are the runs' own.
    assertThat(report.results())
        .extracting(VariantResult::name)
        .containsExactly("learned", "learned-lr2", "identity", "transferred");
    for (VariantResult r : report.results()) {
      TrainingSummary s = report.trained().get(r.name());
      assertThat(r.steps()).isEqualTo(6);
      assertThat(r.trainLoss()).isEqualTo(s.trainLoss());
      assertThat(r.validationLoss()).isEqualTo(s.validationLoss());
      assertThat(r.validationAccuracy()).isEqualTo(s.validationAccuracy());
      assertThat(r.validationPerplexity()).isEqualTo(s.validationPerplexity());
      assertThat(r.tokensPerSecond()).isEqualTo(s.tokensPerSecond());
      assertThat(AblationTable.csv(report.results()))
          .contains(
              r.name()
                  + ","
                  + (r.operator().contains(",") ? "\"" + r.operator() + "\"" : r.operator())
                  + ","
                  + r.parameters()
                  + ",6,"
                  + s.trainLoss()
                  + ","
                  + s.validationLoss()
                  + ",");
    }
    // PLGA's metric learner has parameters SDPA and a transferred G_LM do not.
    VariantResult learned = report.results().get(0);
    VariantResult identity = report.results().get(2);
    VariantResult transferred = report.results().get(3);
    assertThat(learned.parameters()).isGreaterThan(identity.parameters());
    assertThat(transferred.parameters()).isEqualTo(identity.parameters());
    assertThat(transferred.operator()).isEqualTo("external (G-cache of learned)");
    assertThat(out.resolve("transferred/gcache.safetensors")).isRegularFile();

    assertThat(report.markdown()).hasContent(AblationTable.markdown(report.results()));
    assertThat(report.csv()).hasContent(AblationTable.csv(report.results()));
    var png = ImageIO.read(report.plot().toFile());
    assertThat(png.getWidth()).isEqualTo(1000);
    assertThat(Files.size(report.plot())).isGreaterThan(10_000);
  }

  @Test
  void aFinishedVariantIsKeptAndAnInterruptedOneResumes() throws Exception {
    Ablation a =
        ablation(
            """
        variants { name: "learned" }
        variants { name: "identity" operator { name: "identity" } }
        """);
    Path learnedFinal = dir.resolve("out/learned/checkpoints/step-00000006");
    AblationReport first = run(a, "learned");
    assertThat(first.results()).extracting(VariantResult::name).containsExactly("learned");
    FileTime written = Files.getLastModifiedTime(learnedFinal.resolve("model.safetensors"));

    AblationReport full = run(a);
    assertThat(log.toString()).contains("[1/2] learned (learned): finished earlier");
    assertThat(full.trained()).containsOnlyKeys("identity");
    assertThat(Files.getLastModifiedTime(learnedFinal.resolve("model.safetensors")))
        .isEqualTo(written);
    assertThat(full.results().get(0)).isEqualTo(first.results().get(0));

    // Interrupted after its checkpoint at step 3: the next run resumes it, exactly.
    deleteTree(dir.resolve("out/identity/checkpoints/step-00000006"));
    AblationReport resumed = run(a);
    assertThat(log.toString()).contains("[2/2] identity (identity): resuming at step 3 of 6");
    assertThat(resumed.trained()).containsOnlyKeys("identity");
    VariantResult before = full.results().get(1);
    VariantResult after = resumed.results().get(1);
    assertThat(after.trainLoss()).isEqualTo(before.trainLoss());
    assertThat(after.validationLoss()).isEqualTo(before.validationLoss());
    assertThat(resumed.results().get(0)).isEqualTo(first.results().get(0));
    assertThat(Files.getLastModifiedTime(learnedFinal.resolve("model.safetensors")))
        .isEqualTo(written);

    // A variant changed since it ran is not taken for finished.
    Ablation changed =
        ablation(
            """
        variants { name: "learned" overrides: "optimizer.learning_rate=5e-2" }
        variants { name: "identity" operator { name: "identity" } }
        """);
    assertThatThrownBy(() -> run(changed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "variant 'learned': "
                + dir.resolve("out/learned")
                + " holds a run of another configuration")
        .hasMessageContaining("field 'optimizer' differs");
  }

  @Test
  void badSelectionsAndUnknownOperatorsFailBeforeAnythingTrains() throws Exception {
    Ablation a =
        ablation(
            """
        variants { name: "learned" }
        variants { name: "odd" operator { name: "no_such_operator" } }
        variants { name: "t" operator { name: "external" } g_cache_from: "learned"
                   g_cache_prompt: "the whale" }
        """);
    assertThatThrownBy(() -> run(a, "learnd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no variant 'learnd'")
        .hasMessageContaining("learned, odd, t");
    assertThatThrownBy(() -> run(a))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("abl.textproto: variant 'odd'")
        .hasMessageContaining("field 'model.tensor_operator.name'")
        .hasMessageContaining("unknown operator 'no_such_operator'");
    assertThatThrownBy(() -> run(a, "t"))
        .hasMessageContaining(
            "variant 't' transfers the G-cache of 'learned', which has not" + " finished");
    assertThat(dir.resolve("out/learned")).doesNotExist();
  }

  private long[][] firstBatch(PlannedVariant v) throws IOException {
    try (TrainingData data = TrainingData.prepare(v.config(), dir.resolve("cache"))) {
      return data.trainBatches(DataPosition.START).next();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
