package io.pldr.tf.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes a checkpoint trustworthy: its state is checksummed, every file has a checksum, the
 * step matches the folder, values are finite, and a store touches only its own run's checkpoints.
 */
class CheckpointTrustTest {
  @TempDir Path dir;
  private Path tokenizer;
  private final Map<String, HostTensor> model =
      Map.of("w", HostTensor.of(DType.FLOAT32, Shape.of(2), new double[] {1.5, -2}));
  private final Map<String, HostTensor> optimizer =
      Map.of("adamw.step", HostTensor.of(DType.FLOAT32, Shape.of(), new double[] {3}));

  @BeforeEach
  void setUp() throws IOException {
    tokenizer = dir.resolve("tokenizer.json");
    Files.writeString(tokenizer, "{\"model\": {}}");
  }

  private static CheckpointState state(long step) {
    return CheckpointState.newBuilder().setStep(step).setTrainLoss(1.0).build();
  }

  private Path written(long step) throws IOException {
    return new CheckpointStore(dir.resolve("ckpt"), 5)
        .write(state(step), model, optimizer, tokenizer);
  }

  @Test
  void theStateIsCoveredByItsOwnChecksum() throws IOException {
    Path c = written(4);
    assertThat(Files.readString(c.resolve(CheckpointStore.STATE_SUM_FILE)))
        .isEqualTo(
            CheckpointStore.sha256(c.resolve(CheckpointStore.STATE_FILE)) + "  state.textproto\n");
    assertThat(CheckpointStore.readState(c).getFormatVersion()).isEqualTo(2);
    Path stateFile = c.resolve(CheckpointStore.STATE_FILE);
    Files.writeString(
        stateFile, Files.readString(stateFile).replace("train_loss: 1.0", "train_loss: 0.5"));
    assertThatThrownBy(() -> CheckpointStore.readState(c))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(stateFile.toString())
        .hasMessageContaining("checksum mismatch");
    Files.delete(c.resolve(CheckpointStore.STATE_SUM_FILE));
    assertThatThrownBy(() -> CheckpointStore.read(c))
        .hasMessageContaining(CheckpointStore.STATE_SUM_FILE);
  }

  @Test
  void aVersionOneCheckpointWithoutStateChecksumIsStillRead() throws IOException {
    Path c = written(4);
    CheckpointState v1 =
        CheckpointStore.readState(c).toBuilder().setFormatVersion(1).clearRunId().build();
    Files.writeString(
        c.resolve(CheckpointStore.STATE_FILE), TextFormat.printer().printToString(v1));
    Files.delete(c.resolve(CheckpointStore.STATE_SUM_FILE));
    Checkpoint read = CheckpointStore.read(c);
    assertThat(read.state().getStep()).isEqualTo(4);
    assertThat(read.model()).isEqualTo(model);
  }

  @Test
  void everyFileNeedsAChecksumAndEveryChecksumItsFile() throws IOException {
    Path c = written(4);
    Files.writeString(c.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> CheckpointStore.read(c))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(c.resolve("notes.txt").toString())
        .hasMessageContaining("records no checksum");
    Files.delete(c.resolve("notes.txt"));
    Files.delete(c.resolve(CheckpointStore.OPTIMIZER_FILE));
    assertThatThrownBy(() -> CheckpointStore.read(c))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(c.resolve(CheckpointStore.OPTIMIZER_FILE).toString())
        .hasMessageContaining("missing");
    // a file the state does not record is refused when asked for, not read unchecked
    Checkpoint unchecked =
        new Checkpoint(c, CheckpointStore.readState(c).toBuilder().clearSha256().build());
    assertThatThrownBy(unchecked::model).hasMessageContaining("records no checksum");
  }

  @Test
  void theStepMustMatchTheFoldersName() throws IOException {
    Path c = written(4);
    Path renamed = Files.move(c, c.resolveSibling("step-00000005"));
    assertThatThrownBy(() -> CheckpointStore.readState(renamed))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("step 4 does not match the folder's name step-00000005");
  }

  @Test
  void nonFiniteValuesAreRefusedNamingTheTensor() throws IOException {
    Path c =
        new CheckpointStore(dir.resolve("ckpt"), 5)
            .write(
                state(4),
                Map.of(
                    "w", HostTensor.of(DType.FLOAT32, Shape.of(2), new double[] {1.5, -2}),
                    "bad",
                        HostTensor.of(DType.FLOAT32, Shape.of(3), new double[] {0, 1, Double.NaN})),
                Map.of(
                    "m",
                    HostTensor.of(
                        DType.FLOAT32, Shape.of(1), new double[] {Double.POSITIVE_INFINITY})),
                tokenizer);
    Checkpoint read = CheckpointStore.read(c);
    assertThatThrownBy(read::model)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tensor 'bad' holds NaN at element 2");
    assertThatThrownBy(read::optimizer).hasMessageContaining("tensor 'm' holds Infinity");
  }

  @Test
  void aStorePrunesAndReplacesOnlyItsOwnRunsCheckpoints() throws IOException {
    Path root = dir.resolve("ckpt");
    CheckpointStore first = new CheckpointStore(root, 5, "first");
    first.write(state(1), model, optimizer, tokenizer);
    first.write(state(2), model, optimizer, tokenizer);
    CheckpointStore second = new CheckpointStore(root, 1, "second");
    second.write(state(3), model, optimizer, tokenizer);
    second.write(state(4), model, optimizer, tokenizer);
    // keep 1 pruned the second run's step 3, never the first run's checkpoints
    assertThat(second.list())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("step-00000001", "step-00000002", "step-00000004");
    assertThat(CheckpointStore.readState(root.resolve("step-00000001")).getRunId())
        .isEqualTo("first");
    assertThatThrownBy(() -> second.write(state(2), model, optimizer, tokenizer))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(root.resolve("step-00000002").toString())
        .hasMessageContaining("another run (run first)");
    assertThat(CheckpointStore.read(root.resolve("step-00000002")).model()).isEqualTo(model);
    // its own checkpoint of the same step is replaced; one adopted from another run too
    second.write(state(4), model, optimizer, tokenizer);
    second.adopting("first").write(state(5), model, optimizer, tokenizer);
    assertThat(second.list())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("step-00000005");
  }

  @Test
  void aStepFolderWhoseStateCannotBeReadIsMovedAsideNotDeleted() throws IOException {
    Path root = dir.resolve("ckpt");
    CheckpointStore store = new CheckpointStore(root, 5, "run");
    Path c = store.write(state(4), model, optimizer, tokenizer);
    Files.writeString(c.resolve(CheckpointStore.STATE_FILE), "garbage {");
    store.write(state(4), model, optimizer, tokenizer);
    try (var files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .hasSize(2)
          .contains("step-00000004")
          .anyMatch(n -> n.startsWith("step-00000004.damaged-"));
    }
    assertThat(CheckpointStore.read(c).model()).isEqualTo(model);
  }

  @Test
  void cleanUpRemovesUnfinishedWritesAndDeletionsOnly() throws IOException {
    Path root = dir.resolve("ckpt");
    CheckpointStore store = new CheckpointStore(root, 5, "run");
    store.write(state(1), model, optimizer, tokenizer);
    Path temp = Files.createDirectories(root.resolve(".step-00000002.tmp-0123"));
    Files.writeString(temp.resolve(CheckpointStore.MODEL_FILE), "partial");
    Path halfDeleted = Files.createDirectories(root.resolve("step-00000000"));
    Files.writeString(halfDeleted.resolve(CheckpointStore.MODEL_FILE), "left");
    Path aside = Files.createDirectories(root.resolve("step-00000003.damaged-1"));
    assertThat(store.cleanUp()).containsExactlyInAnyOrder(temp, halfDeleted);
    try (var files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("step-00000001", aside.getFileName().toString());
    }
    assertThat(CheckpointStore.read(root.resolve("step-00000001")).model()).isEqualTo(model);
  }
}
