package io.pldr.tf.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes leave whole files, no temporary ones, with the permissions the umask gives. */
class AtomicFilesTest {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  @TempDir Path dir;

  /** The permissions of a file freshly made with {@link Files#createFile}: the umask's default. */
  private Set<PosixFilePermission> defaultFilePermissions() throws IOException {
    Path reference = Files.createFile(dir.resolve("reference-file"));
    try {
      return Files.getPosixFilePermissions(reference);
    } finally {
      Files.delete(reference);
    }
  }

  private static void assertUmaskDefault(Path p, Set<PosixFilePermission> expected)
      throws IOException {
    Set<PosixFilePermission> actual = Files.getPosixFilePermissions(p);
    assertThat(PosixFilePermissions.toString(actual))
        .as("permissions of %s", p)
        .isEqualTo(PosixFilePermissions.toString(expected));
    if (expected.contains(PosixFilePermission.GROUP_READ)) { // a 022-like umask
      assertThat(actual).as("permissions of %s", p).isNotEqualTo(OWNER_ONLY);
    }
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writtenFileHasTheUmaskDefaultPermissionsAndNoTemporaryFileRemains() throws IOException {
    Set<PosixFilePermission> expected = defaultFilePermissions();
    Path file = dir.resolve("report.json");
    AtomicFiles.write(
        file, out -> out.write(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8))));
    assertThat(file).hasContent("{}");
    assertUmaskDefault(file, expected);
    // Replacing it keeps the default too.
    AtomicFiles.write(
        file, out -> out.write(ByteBuffer.wrap("[]".getBytes(StandardCharsets.UTF_8))));
    assertThat(file).hasContent("[]");
    assertUmaskDefault(file, expected);
    assertThat(names()).containsExactly("report.json");
  }

  @Test
  void aFailedWriteLeavesNeitherTargetNorTemporaryFile() throws IOException {
    Path file = dir.resolve("half.bin");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    file,
                    out -> {
                      out.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");
    assertThat(names()).isEmpty();
  }

  @Test
  void safetensorsFilesHaveTheUmaskDefaultPermissions() throws IOException {
    Set<PosixFilePermission> expected = defaultFilePermissions();
    Path file = dir.resolve("model.safetensors");
    Safetensors.write(
        file,
        Map.of("w", HostTensor.of(DType.FLOAT32, Shape.of(2), new double[] {1, 2})),
        Map.of());
    assertUmaskDefault(file, expected);
  }

  @Test
  void temporaryFoldersAndFilesHaveTheUmaskDefaultPermissionsAndDistinctNames() throws IOException {
    Path referenceDir = Files.createDirectory(dir.resolve("reference-dir"));
    Set<PosixFilePermission> dirDefault = Files.getPosixFilePermissions(referenceDir);
    Set<PosixFilePermission> fileDefault = defaultFilePermissions();

    Path a = AtomicFiles.createTempDirectory(dir, ".step.tmp-");
    Path b = AtomicFiles.createTempDirectory(dir, ".step.tmp-");
    assertThat(a).isDirectory().isNotEqualTo(b);
    assertThat(a.getFileName().toString()).startsWith(".step.tmp-");
    assertUmaskDefault(a, dirDefault);

    Path f = AtomicFiles.createTempFile(a, ".x.", ".tmp");
    assertThat(f).isEmptyFile().hasParent(a);
    assertThat(f.getFileName().toString()).startsWith(".x.").endsWith(".tmp");
    assertUmaskDefault(f, fileDefault);
  }
}
