package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.cache.TinyCheckpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convert-gi} never writes over a trained run. */
class ConvertCommandTest {
  @TempDir Path dir;

  private static List<String> files(Path folder) throws Exception {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.map(p -> folder.relativize(p) + (Files.isRegularFile(p) ? ":" + size(p) : ""))
          .sorted()
          .toList();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void refusesToWriteIntoItsSourceOrAnotherRunsFolder() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), 3);
    Path other = TinyCheckpoint.write(dir.resolve("other"), TinyCheckpoint.config("learned"), 4);
    Path gCache = dir.resolve("g.safetensors"); // never read: the folders are refused first
    List<String> runBefore = files(run);
    List<String> otherBefore = files(other);
    Path checkpoint = run.resolve("checkpoints/step-00000001");

    for (String out :
        List.of(
            run.toString(),
            dir.resolve("run/../run").toString(),
            checkpoint.toString(),
            run.resolve("checkpoints").toString())) {
      CliRun r =
          CliRun.of(
              "convert-gi",
              "--checkpoint",
              run.toString(),
              "--g-cache",
              gCache.toString(),
              "--out",
              out);
      assertThat(r.status()).as(out).isEqualTo(1);
      assertThat(r.err()).as(out).contains("--out " + out).contains("source model folder");
    }
    CliRun intoOther =
        CliRun.of(
            "convert-gi",
            "--checkpoint",
            run.toString(),
            "--g-cache",
            gCache.toString(),
            "--out",
            other.toString());
    assertThat(intoOther.status()).isEqualTo(1);
    assertThat(intoOther.err())
        .contains("--out " + other + " already holds checkpoints")
        .contains("step-00000001");

    assertThat(files(run)).isEqualTo(runBefore);
    assertThat(files(other)).isEqualTo(otherBefore);
    assertThat(CheckpointStore.read(checkpoint).model()).isNotEmpty();
  }
}
