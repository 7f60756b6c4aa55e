package io.pldr.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint DIR} of the commands that run a trained model. */
final class CheckpointOption {
  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "DIR",
      description = "Checkpoint folder, or a run folder (newest checkpoint).")
  Path dir;

  /** The checkpoint, its configuration and the components it names. */
  LoadedCheckpoint load() throws IOException {
    return LoadedCheckpoint.load(dir);
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
