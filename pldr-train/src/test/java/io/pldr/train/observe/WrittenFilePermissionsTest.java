package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and loss plots end with the permissions the umask gives a file or folder made with
 * {@link Files#createFile} / {@link Files#createDirectory}, not the owner-only ones of a private
 * temporary file.
 */
class WrittenFilePermissionsTest {
  @TempDir Path dir;

  private String fileDefault() throws IOException {
    Path p = Files.createFile(dir.resolve("reference-file"));
    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    Files.delete(p);
    return perms;
  }

  private String folderDefault() throws IOException {
    Path p = Files.createDirectory(dir.resolve("reference-dir"));
    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    Files.delete(p);
    return perms;
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aCheckpointFolderAndItsFilesHaveTheUmaskDefaults() throws IOException {
    String file = fileDefault();
    String folder = folderDefault();
    Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Path written =
        new CheckpointStore(dir.resolve("checkpoints"), 3)
            .write(
                CheckpointState.newBuilder().setStep(1).build(),
                Map.of("w", HostTensor.of(DType.FLOAT32, Shape.of(1), new double[] {1})),
                Map.of(),
                tokenizer);
    assertThat(perms(written)).as("checkpoint folder").isEqualTo(folder);
    if (folder.equals("rwxr-xr-x")) { // umask 022: what the bug gave instead
      assertThat(perms(written)).isNotEqualTo("rwx------");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(written)) {
      files = s.toList();
    }
    assertThat(files).hasSize(5); // model, optimizer, tokenizer, state and its checksum
    for (Path f : files) {
      assertThat(perms(f)).as("%s", f.getFileName()).isEqualTo(file);
    }
  }

  @Test
  void theLossPlotHasTheUmaskDefault() throws IOException {
    String file = fileDefault();
    Path png = dir.resolve("loss.png");
    new LossPlot("loss", 200, 100, Optional.empty())
        .write(
            png,
            new LossCurves(
                List.of(new LossCurves.Point(1, 3.0), new LossCurves.Point(2, 2.5)), List.of()));
    assertThat(perms(png)).isEqualTo(file);
    if (file.equals("rw-r--r--")) {
      assertThat(perms(png)).isNotEqualTo("rw-------");
    }
  }
}
