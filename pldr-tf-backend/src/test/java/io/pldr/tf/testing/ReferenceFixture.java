package io.pldr.tf.testing;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.io.Safetensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The reference implementation's numbers for a small random PLDR-LLM v510 ({@code
 * fixtures/pldr-v510-small}, see its README): the checkpoint, the input tokens and the expected
 * outputs. Shared with other modules through this module's test-jar.
 */
public final class ReferenceFixture {
  /** Class-path folder of the fixture. */
  public static final String RESOURCE = "/fixtures/pldr-v510-small/";

  private static final String[] FILES = {"config.json", "model.safetensors", "io.safetensors"};

  private final Path dir;
  private final Map<String, HostTensor> io;

  private ReferenceFixture(Path dir) throws IOException {
    this.dir = dir;
    this.io = Safetensors.read(dir.resolve("io.safetensors")).tensors();
  }

  /** Copies the fixture out of the class path into {@code dir} (a test's temporary folder). */
  public static ReferenceFixture extractTo(Path dir) {
    try {
      for (String f : FILES) {
        try (InputStream in = ReferenceFixture.class.getResourceAsStream(RESOURCE + f)) {
          if (in == null) {
            throw new IllegalStateException(
                "fixture file missing from class path: " + RESOURCE + f);
          }
          Files.copy(in, dir.resolve(f));
        }
      }
      return new ReferenceFixture(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checkpoint folder: {@code config.json} and {@code model.safetensors}. */
  public Path checkpointDir() {
    return dir;
  }

  /** The inputs-and-outputs file. */
  public Path ioFile() {
    return dir.resolve("io.safetensors");
  }

  /** A tensor of {@code io.safetensors}. */
  public HostTensor io(String name) {
    HostTensor t = io.get(name);
    if (t == null) {
      throw new IllegalArgumentException("fixture has no tensor '" + name + "'");
    }
    return t;
  }

  /** Every tensor of {@code io.safetensors}. */
  public Map<String, HostTensor> ioTensors() {
    return io;
  }

  /** The input token rows. */
  public long[][] tokens() {
    return io("input.tokens").toLongRows();
  }

  /** The conformance tolerance of issue 2: {@code 1e-5 + rel · max|expected|}. */
  public static double tolerance(HostTensor expected, double rel) {
    return 1e-5 + rel * expected.maxAbs();
  }
}
