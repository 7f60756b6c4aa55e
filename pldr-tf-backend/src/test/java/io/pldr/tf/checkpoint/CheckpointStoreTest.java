package io.pldr.tf.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class CheckpointStoreTest {
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

  @Test
  void writesReadsAndKeepsOnlyTheNewest() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt"), 2);
    for (long s = 1; s <= 3; s++) {
      store.write(state(s), model, optimizer, tokenizer);
    }
    assertThat(store.list())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("step-00000002", "step-00000003");
    Checkpoint c = CheckpointStore.read(store.latest().orElseThrow());
    assertThat(c.state().getStep()).isEqualTo(3);
    assertThat(c.state().getFormat()).isEqualTo(CheckpointStore.FORMAT);
    assertThat(c.state().getSha256Map())
        .containsKeys("model.safetensors", "optimizer.safetensors", "tokenizer.json");
    // the tensor files' checksums, computed while writing, are those of the files written
    for (var e : c.state().getSha256Map().entrySet()) {
      assertThat(e.getValue())
          .as(e.getKey())
          .isEqualTo(CheckpointStore.sha256(store.latest().orElseThrow().resolve(e.getKey())));
    }
    assertThat(c.model()).isEqualTo(model);
    assertThat(c.optimizer()).isEqualTo(optimizer);
    assertThat(Files.readString(c.tokenizerFile())).isEqualTo("{\"model\": {}}");
  }

  @Test
  void anInterruptedWriteLeavesNoCheckpointBehind() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt"), 5);
    store.write(state(1), model, optimizer, tokenizer);
    // The tokenizer vanishes mid-write: the model and optimizer files are already written.
    assertThatThrownBy(() -> store.write(state(2), model, optimizer, dir.resolve("gone.json")))
        .isInstanceOf(IOException.class);
    assertThat(store.list())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("step-00000001");
    try (var files = Files.list(dir.resolve("ckpt"))) {
      assertThat(files).hasSize(1);
    }
    // A folder left by a killed process is never taken for a checkpoint.
    Path crashed = Files.createDirectory(dir.resolve("ckpt/.step-00000009.tmp-123"));
    Files.writeString(crashed.resolve("model.safetensors"), "partial");
    assertThat(store.latest().orElseThrow().getFileName().toString()).isEqualTo("step-00000001");
  }

  @Test
  void aDamagedFileIsRefusedByItsChecksum() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve("ckpt"), 5);
    Path written = store.write(state(4), model, optimizer, tokenizer);
    Files.writeString(written.resolve("tokenizer.json"), "{\"model\": {\"x\": 1}}");
    Checkpoint c = CheckpointStore.read(written);
    assertThat(c.model()).isEqualTo(model);
    assertThatThrownBy(c::tokenizerFile)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void anotherFormatIsRefused() throws IOException {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("state.textproto"), "format: \"something-else\" step: 3");
    assertThatThrownBy(() -> CheckpointStore.read(other))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format 'something-else', expected 'pldr-train-checkpoint'");
  }
}
