package io.pldr.cli;

import io.pldr.cache.PretrainedModel;
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

  /** A loader of the checkpoint, its tokenizer and the operator and attention it names. */
  PretrainedModel.Loader loader() {
    return PretrainedModel.loader(dir);
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
