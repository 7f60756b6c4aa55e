package io.pldr.cli;

import io.pldr.cache.PretrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint DIR} of the commands that run a trained model. */
final class CheckpointOption {
  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "DIR",
      description = "Checkpoint folder, a run folder (newest checkpoint) or a Hugging Face folder.")
  Path dir;

  /**
   * The folder, checked to exist and to be a folder: else an error naming it ("cannot read the
   * model folder /x/y (--checkpoint): no such folder").
   */
  Path dir() throws IOException {
    if (!Files.exists(dir)) {
      throw new IOException(
          "cannot read the model folder " + dir + " (--checkpoint): no such folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException(
          "cannot read the model folder "
              + dir
              + " (--checkpoint): it is a file, not a folder (give the checkpoint's folder)");
    }
    if (!Files.isReadable(dir)) {
      throw new IOException(
          "cannot read the model folder " + dir + " (--checkpoint): permission denied");
    }
    return dir;
  }

  /** A loader of the checkpoint, its tokenizer and the operator and attention it names. */
  PretrainedModel.Loader loader() throws IOException {
    return PretrainedModel.loader(dir());
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
