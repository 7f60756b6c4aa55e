package io.pldr.cli;

import io.pldr.api.config.ModelConfig;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.PldrInjectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pldr checkpoint as the commands that run a trained model load it: the checkpoint, its model
 * configuration, and the operators and attention variants installed for that configuration.
 */
record LoadedCheckpoint(Checkpoint checkpoint, ModelConfig config, Components components) {
  /** Loads a checkpoint folder, or a run folder's newest checkpoint. */
  static LoadedCheckpoint load(Path dir) throws IOException {
    Checkpoint c = CheckpointStore.read(resolve(dir));
    ModelConfig config = c.state().getConfig().getModel();
    return new LoadedCheckpoint(
        c, config, PldrInjectors.forConfig(config).getInstance(Components.class));
  }

  /** A checkpoint folder, or a run folder's newest checkpoint. */
  static Path resolve(Path dir) throws IOException {
    if (Files.isDirectory(dir.resolve("checkpoints"))) {
      return new CheckpointStore(dir.resolve("checkpoints"), Integer.MAX_VALUE)
          .latest()
          .orElseThrow(() -> new IOException(dir + ": the run has no checkpoint yet"));
    }
    return dir;
  }
}
