package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.RunLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs survive what happens to their folders: a damaged newest checkpoint, leftovers of a killed
 * process, a moved folder, a changed run-level tokenizer, a second process, a finished run.
 */
class RunSafetyTest {
  @TempDir Path dir;

  @Test
  void aMovedRunWithADamagedNewestCheckpointResumesFromTheNewestValidOne() throws Exception {
    Path corpus = TinyRun.corpus(dir, 4000);
    Path cache = dir.resolve("cache");
    Trainer trainer = TinyRun.trainer();
    String extra = "checkpoint_every: 1 keep_checkpoints: 5 sample { lines: 0 }";
    // --resume before any checkpoint exists starts the run at step 0
    TrainingSummary first =
        trainer.run(
            TinyRun.parse(TinyRun.config(corpus, dir.resolve("a"), "steps: 2 " + extra)),
            true,
            cache);
    assertThat(first.startStep()).isZero();
    assertThat(first.checkpoint().getFileName().toString()).isEqualTo("step-00000002");
    String runId = CheckpointStore.readState(first.checkpoint()).getRunId();
    assertThat(runId).isNotEmpty();

    Path moved = Files.move(dir.resolve("a"), dir.resolve("moved"));
    Path ckpts = moved.resolve("checkpoints");
    // the newest checkpoint damaged, a killed write and a half-done deletion left behind
    Path model = ckpts.resolve("step-00000002/model.safetensors");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 1] ^= 1;
    Files.write(model, bytes);
    Files.createDirectories(ckpts.resolve(".step-00000003.tmp-0a1b"));
    Files.createDirectories(ckpts.resolve("step-00000000"));
    Files.writeString(ckpts.resolve("step-00000000/model.safetensors"), "partial");
    // the run-level tokenizer changed: the checkpoint's own is what counts
    Path ownTokenizer = ckpts.resolve("step-00000001/tokenizer.json");
    Files.writeString(moved.resolve("tokenizer.json"), "{}");

    TrainingSummary resumed =
        trainer.run(
            TinyRun.parse(
                // the same folder, named through another path
                TinyRun.config(corpus, dir.resolve("moved/../moved"), "steps: 3 " + extra)),
            true,
            cache);
    assertThat(resumed.startStep()).isEqualTo(1);
    assertThat(resumed.stepsThisRun()).isEqualTo(2);
    assertThat(Files.readString(moved.resolve("tokenizer.json")))
        .isEqualTo(Files.readString(ownTokenizer));
    try (var files = Files.list(ckpts)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("step-00000001", "step-00000002", "step-00000003");
    }
    for (String step : new String[] {"step-00000001", "step-00000002", "step-00000003"}) {
      var c = CheckpointStore.read(ckpts.resolve(step));
      assertThat(c.state().getRunId()).isEqualTo(runId);
      assertThat(c.model()).isNotEmpty();
    }

    // a finished run says so and trains nothing
    TrainingSummary again =
        trainer.run(TinyRun.parse(TinyRun.config(corpus, moved, "steps: 3 " + extra)), true, cache);
    assertThat(again.stepsThisRun()).isZero();
    assertThat(again.checkpoint()).isEqualTo(ckpts.resolve("step-00000003"));
  }

  @Test
  void aSecondRunOnALockedFolderFailsAtOnce() throws Exception {
    Path corpus = TinyRun.corpus(dir, 400);
    Path run = dir.resolve("run");
    try (RunLock held = RunLock.acquire(run)) {
      assertThatThrownBy(
              () ->
                  TinyRun.trainer()
                      .run(
                          TinyRun.parse(TinyRun.config(corpus, run, "steps: 2")),
                          true,
                          dir.resolve("cache")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(run + " is in use");
    }
    assertThat(run.resolve("checkpoints")).doesNotExist();
  }

  private static Map<String, HostTensor> model(double v) {
    return Map.of("w", HostTensor.of(DType.FLOAT32, Shape.of(2), new double[] {v, -v}));
  }

  private static Map<String, HostTensor> optimizer(double step) {
    return Map.of("adamw.step", HostTensor.of(DType.FLOAT32, Shape.of(), new double[] {step}));
  }

  @Test
  void resumeSkipsEachKindOfDamageToTheNewestAndFailsWhenAllAreDamaged() throws Exception {
    Path tokenizer = dir.resolve("tokenizer.json");
    Files.writeString(tokenizer, "{\"model\": {}}");
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt"), 10, "run");
    write(store, tokenizer, 2, model(2), optimizer(2));
    Map<String, java.util.function.Consumer<Path>> damages =
        Map.of(
            "NaN weights", p -> write(store, tokenizer, 3, model(Double.NaN), optimizer(3)),
            "optimizer step", p -> write(store, tokenizer, 3, model(3), optimizer(7)),
            "missing file", p -> delete(p.resolve("tokenizer.json")),
            "edited state", p -> append(p.resolve("state.textproto"), "train_loss: 9\n"));
    for (var damage : damages.entrySet()) {
      write(store, tokenizer, 3, model(3), optimizer(3));
      assertThat(Trainer.newestValid(store).checkpoint().state().getStep()).isEqualTo(3);
      damage.getValue().accept(dir.resolve("ckpt/step-00000003"));
      Trainer.ResumePoint point = Trainer.newestValid(store);
      assertThat(point.checkpoint().state().getStep()).as(damage.getKey()).isEqualTo(2);
      assertThat(point.model()).isEqualTo(model(2));
    }
    Files.writeString(dir.resolve("ckpt/step-00000002/model.safetensors"), "x");
    assertThatThrownBy(() -> Trainer.newestValid(store))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no valid checkpoint in " + store.root())
        .hasMessageContaining("step-00000003: ")
        .hasMessageContaining("step-00000002: ")
        .hasMessageContaining("checksum mismatch");
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void append(Path p, String text) {
    try {
      Files.writeString(p, text, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(
      CheckpointStore store,
      Path tokenizer,
      long step,
      Map<String, HostTensor> m,
      Map<String, HostTensor> o) {
    try {
      store.write(CheckpointState.newBuilder().setStep(step).build(), m, o, tokenizer);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
