package io.pldr.train.checkpoint;

import io.pldr.api.tensor.HostTensor;
import io.pldr.train.config.CheckpointState;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training checkpoint: the model's parameters (reference names), the optimiser's state, and what
 * the run needs to continue exactly (step, data position, configuration).
 */
public record Checkpoint(
    Path dir,
    CheckpointState state,
    Map<String, HostTensor> model,
    Map<String, HostTensor> optimizer) {
  /** The tokenizer file inside the checkpoint folder. */
  public Path tokenizerFile() {
    return dir.resolve(CheckpointStore.TOKENIZER_FILE);
  }
}
