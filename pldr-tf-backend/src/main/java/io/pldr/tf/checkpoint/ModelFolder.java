package io.pldr.tf.checkpoint;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A folder a trained model is loaded from: a pldr checkpoint ({@link Checkpoint}) or a Hugging Face
 * model folder of the PLDR-LLM port ({@link HfCheckpoint}). Both give the model's configuration,
 * its parameters by the reference's names and its tokenizer.
 */
public interface ModelFolder {
  /** The folder. */
  Path dir();

  /** What the folder records of its run; a Hugging Face folder gives step 0 and the model. */
  CheckpointState state();

  /** The model's configuration. */
  ModelConfig modelConfig();

  /** The model's parameters, by the reference's names, float32 (or float64) values. */
  Map<String, HostTensor> model() throws IOException;

  /** The tokenizer file: a Hugging Face {@code tokenizer.json} or a SentencePiece model. */
  Path tokenizerFile() throws IOException;

  /** Where the parameters are read from, for messages. */
  String parametersSource();

  /**
   * Opens {@code dir}: a Hugging Face model folder (a {@code config.json} with a {@code
   * model_type}), a pldr checkpoint folder, or a run folder (its newest checkpoint). The model's
   * configuration is checked (sizes this machine cannot hold included) before anything else is
   * read: a checkpoint's {@code state.textproto} may have been edited.
   */
  static ModelFolder open(Path dir) throws IOException {
    if (HfCheckpoint.isHfFolder(dir)) {
      return HfCheckpoint.open(dir); // checks its config.json
    }
    Checkpoint checkpoint = CheckpointStore.open(dir);
    ModelConfigs.validate(
        checkpoint.modelConfig(),
        checkpoint.dir().resolve(CheckpointStore.STATE_FILE).toString(),
        "config.model.");
    return checkpoint;
  }
}
