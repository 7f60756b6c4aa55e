package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real training runs of a tiny model: exact resume, divergence, and refused starts. */
class TrainerTest {
  @TempDir Path dir;

  private static double maxDiff(Map<String, HostTensor> a, Map<String, HostTensor> b) {
    assertThat(a.keySet()).isEqualTo(b.keySet());
    double m = 0;
    for (String k : a.keySet()) {
      m = Math.max(m, a.get(k).maxAbsDiff(b.get(k)));
    }
    return m;
  }

  @Test
  void straightRunEqualsHalfRunResumedFromItsCheckpoint() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    Path cache = dir.resolve("cache");
    Trainer trainer = TinyRun.trainer();

    TrainingSummary straight =
        trainer.run(
            TinyRun.parse(
                TinyRun.config(
                    corpus,
                    dir.resolve("a"),
                    "steps: 8 checkpoint_every: 4 schedule { total_steps: 8 }")),
            false,
            cache);
    trainer.run(
        TinyRun.parse(
            TinyRun.config(corpus, dir.resolve("b"), "steps: 4 schedule { total_steps: 8 }")),
        false,
        cache);
    TrainingSummary resumed =
        trainer.run(
            TinyRun.parse(
                TinyRun.config(
                    corpus,
                    dir.resolve("b"),
                    "steps: 8 checkpoint_every: 4 schedule { total_steps: 8 }")),
            true,
            cache);

    Checkpoint a = CheckpointStore.read(straight.checkpoint());
    Checkpoint b = CheckpointStore.read(resumed.checkpoint());
    assertThat(a.state().getStep()).isEqualTo(8);
    assertThat(b.state().getStep()).isEqualTo(8);
    assertThat(maxDiff(a.model(), b.model())).isLessThanOrEqualTo(1e-6);
    assertThat(maxDiff(a.optimizer(), b.optimizer())).isLessThanOrEqualTo(1e-6);
    assertThat(b.state().getDataPosition()).isEqualTo(a.state().getDataPosition());
    assertThat(resumed.validationLoss()).isEqualTo(straight.validationLoss());
    assertThat(resumed.startStep()).isEqualTo(4);
    assertThat(resumed.stepsThisRun()).isEqualTo(4);
    assertThat(straight.startStep()).isZero();
    assertThat(straight.stepsThisRun()).isEqualTo(8);
    // The weights did move: this is not two untouched initialisations.
    Checkpoint half = CheckpointStore.read(dir.resolve("a/checkpoints/step-00000004"));
    assertThat(maxDiff(half.model(), a.model())).isGreaterThan(1e-3);
    // What a person sees: TensorBoard events, the metrics history and the loss plot.
    try (var files = Files.list(dir.resolve("b/tensorboard"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("events.out.tfevents"));
    }
    // The resumed history is the straight one (throughput aside, which is measured).
    assertThat(withoutThroughput(dir.resolve("b/metrics.jsonl")))
        .hasSize(6)
        .isEqualTo(withoutThroughput(dir.resolve("a/metrics.jsonl")));
    assertThat(straight.lossPlot()).isRegularFile();
  }

  private static java.util.List<String> withoutThroughput(Path file) throws java.io.IOException {
    return Files.readAllLines(file).stream()
        .map(l -> l.replaceAll(",?\"tokens_per_second\":[^,}]*", ""))
        .toList();
  }

  @Test
  void nonFiniteLossStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    String cfg =
        TinyRun.config(
            corpus,
            dir.resolve("run"),
            "steps: 50 checkpoint_every: 1 keep_checkpoints: 50 optimizer { learning_rate: 1e6 clip_value: 1e30 }");
    assertThatThrownBy(() -> TinyRun.trainer().run(TinyRun.parse(cfg), false, dir.resolve("c")))
        .isInstanceOfSatisfying(
            TrainingDivergedException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("at step " + e.step())
                  .contains("last good checkpoint");
              try {
                var latest = new CheckpointStore(dir.resolve("run/checkpoints"), 50).latest();
                // With this seed the first step is still finite, so a good checkpoint exists.
                assertThat(e.step()).isGreaterThan(1);
                assertThat(latest).isPresent();
                Checkpoint c = CheckpointStore.read(latest.get());
                assertThat(c.state().getStep()).isEqualTo(e.step() - 1);
                assertThat(Double.isFinite(c.state().getTrainLoss())).isTrue();
                assertThat(c.model().values()).allMatch(t -> Double.isFinite(t.maxAbs()));
                assertThat(e.getMessage()).contains(latest.get().toString());
              } catch (java.io.IOException io) {
                throw new java.io.UncheckedIOException(io);
              }
            });
  }

  @Test
  void freshRunRefusesAnOutDirWithCheckpoints() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    String cfg = TinyRun.config(corpus, dir.resolve("run"), "steps: 2");
    TinyRun.trainer().run(TinyRun.parse(cfg), false, dir.resolve("c"));
    assertThatThrownBy(() -> TinyRun.trainer().run(TinyRun.parse(cfg), false, dir.resolve("c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already holds checkpoints")
        .hasMessageContaining("--resume");
  }

  @Test
  void resumeWithAnotherBatchPerStepIsRefusedNamingWhatKeepsIt() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    TinyRun.trainer()
        .run(
            TinyRun.parse(TinyRun.config(corpus, dir.resolve("run"), "steps: 2")),
            false,
            dir.resolve("c"));
    assertThatThrownBy(
            () ->
                TinyRun.trainer()
                    .run(
                        TinyRun.parse(
                            TinyRun.config(corpus, dir.resolve("run"), "steps: 4 batch_size: 8")),
                        true,
                        dir.resolve("c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "a step's rows (batch_size × grad_accumulation × workers) are 8 × 1 × 1 = 8 here but"
                + " 4 × 1 × 1 = 4")
        .hasMessageEndingWith("with 1 worker batch_size × grad_accumulation must be 4");
  }

  @Test
  void corpusShorterThanOneSequenceFailsClearly() throws Exception {
    Path tiny = dir.resolve("tiny.txt");
    Files.writeString(tiny, "Call me Ishmael.");
    assertThatThrownBy(
            () ->
                TinyRun.trainer()
                    .run(
                        TinyRun.parse(TinyRun.config(tiny, dir.resolve("run"), "steps: 2")),
                        false,
                        dir.resolve("c")))
        .hasMessageContaining("tiny.txt")
        .hasMessageContaining("tokens");
  }
}
