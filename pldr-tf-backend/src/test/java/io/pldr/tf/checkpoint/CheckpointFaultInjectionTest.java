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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A checkpoint write interrupted at each of its stages, two ways: as a failure the writer sees (an
 * exception, its clean-up runs) and as a kill at that instant (a copy of the folder taken there,
 * with nothing cleaned). Either way the store then lists only whole, verifiable checkpoints, the
 * previous newest is intact, and a new store writes on.
 */
class CheckpointFaultInjectionTest {
  private static final String RUN = "run-1";

  @TempDir Path dir;

  private static Map<String, HostTensor> model(double v) {
    return Map.of("w", HostTensor.of(DType.FLOAT32, Shape.of(3), new double[] {v, -v, 2 * v}));
  }

  private static Map<String, HostTensor> optimizer(long step) {
    return Map.of("adamw.step", HostTensor.of(DType.FLOAT32, Shape.of(), new double[] {step}));
  }

  private static CheckpointState state(long step) {
    return CheckpointState.newBuilder().setStep(step).build();
  }

  @ParameterizedTest
  @EnumSource(CheckpointStore.Stage.class)
  void anInterruptedWriteLeavesOnlyWholeCheckpoints(CheckpointStore.Stage stage)
      throws IOException {
    Path tokenizer = dir.resolve("tokenizer.json");
    Files.writeString(tokenizer, "{\"model\": {}}");
    Path root = dir.resolve("ckpt");
    CheckpointStore plain = new CheckpointStore(root, 2, RUN);
    plain.write(state(1), model(1), optimizer(1), tokenizer);
    plain.write(state(2), model(2), optimizer(2), tokenizer);
    Path killed = dir.resolve("killed");
    CheckpointStore.Hook inject =
        (at, folder) -> {
          if (at == stage) {
            copyTree(root, killed);
            throw new IOException("injected failure at " + at);
          }
        };
    CheckpointStore failing = new CheckpointStore(root, 2, RUN, inject);
    // step 3 pushes step 1 out (keep 2): every stage, pruning included, is reached
    assertThatThrownBy(() -> failing.write(state(3), model(3), optimizer(3), tokenizer))
        .isInstanceOf(IOException.class)
        .as("the error says which checkpoint was being written where, then why")
        .hasMessageStartingWith("cannot write the checkpoint of step 3 into " + root + ": ")
        .hasMessageContaining("injected failure at " + stage);
    assertThat(killed).isDirectory();

    for (Path folder : List.of(root, killed)) {
      CheckpointStore store = new CheckpointStore(folder, 2, RUN);
      store.cleanUp();
      try (Stream<Path> s = Files.list(folder)) {
        // nothing but checkpoint folders is left
        assertThat(s.map(p -> p.getFileName().toString()))
            .as(folder.toString())
            .allMatch(n -> n.matches("step-\\d{8}"));
      }
      List<Path> listed = store.list();
      assertThat(listed).as(folder.toString()).isNotEmpty();
      for (Path p : listed) {
        Checkpoint c = CheckpointStore.read(p);
        long step = c.state().getStep();
        assertThat(c.model()).as(p.toString()).isEqualTo(model(step));
        assertThat(c.optimizer()).isEqualTo(optimizer(step));
        assertThat(Files.readString(c.tokenizerFile())).isEqualTo("{\"model\": {}}");
      }
      // the previous newest is there and whole
      assertThat(listed).contains(folder.resolve("step-00000002"));
      boolean committed =
          stage == CheckpointStore.Stage.AFTER_RENAME || stage == CheckpointStore.Stage.PRUNING;
      assertThat(listed.contains(folder.resolve("step-00000003"))).isEqualTo(committed);
      // and the run writes on
      store.write(state(4), model(4), optimizer(4), tokenizer);
      assertThat(store.list())
          .extracting(p -> p.getFileName().toString())
          .containsExactly(committed ? "step-00000003" : "step-00000002", "step-00000004");
      assertThat(CheckpointStore.read(store.latest().orElseThrow()).model()).isEqualTo(model(4));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
