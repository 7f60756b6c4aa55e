package io.pldr.tf.checkpoint;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A pldr checkpoint folder ({@link CheckpointStore}): its state (step, data position, the resolved
 * configuration) and its files, each read on demand and checked against the SHA-256 the state
 * records for it (a file without one is refused), so that inference reads the model and the
 * tokenizer and never the optimizer.
 *
 * @param dir the folder
 * @param state what {@code state.textproto} holds
 */
public record Checkpoint(Path dir, CheckpointState state) implements ModelFolder {
  /** The model's configuration. */
  @Override
  public ModelConfig modelConfig() {
    return state.getConfig().getModel();
  }

  /** The model's parameters, by the reference's names; a NaN or infinite value is refused. */
  @Override
  public Map<String, HostTensor> model() throws IOException {
    return finite(CheckpointStore.MODEL_FILE);
  }

  /** The optimizer's state; a NaN or infinite value is refused. */
  public Map<String, HostTensor> optimizer() throws IOException {
    return finite(CheckpointStore.OPTIMIZER_FILE);
  }

  private Map<String, HostTensor> finite(String name) throws IOException {
    Path file = verified(name);
    Map<String, HostTensor> tensors = Safetensors.read(file).tensors();
    for (var e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      java.util.OptionalInt bad =
          t.dtype().isFloating() ? t.firstNonFinite() : java.util.OptionalInt.empty();
      if (bad.isPresent()) {
        int i = bad.getAsInt();
        throw new IOException(
            file
                + ": tensor '"
                + e.getKey()
                + "' holds "
                + t.get(i)
                + " at element "
                + i
                + ": a checkpoint's values must be finite");
      }
    }
    return tensors;
  }

  /**
   * The tokenizer file ({@code tokenizer.json} or a SentencePiece {@code tokenizer.model}),
   * checked.
   */
  @Override
  public Path tokenizerFile() throws IOException {
    boolean sentencePiece =
        state.getSha256Map().containsKey(CheckpointStore.SENTENCEPIECE_FILE)
            || (!state.getSha256Map().containsKey(CheckpointStore.TOKENIZER_FILE)
                && Files.isRegularFile(dir.resolve(CheckpointStore.SENTENCEPIECE_FILE)));
    return verified(
        sentencePiece ? CheckpointStore.SENTENCEPIECE_FILE : CheckpointStore.TOKENIZER_FILE);
  }

  @Override
  public String parametersSource() {
    return dir.resolve(CheckpointStore.MODEL_FILE).toString();
  }

  /**
   * The path of one of the checkpoint's files after checking it against its recorded SHA-256; a
   * missing, damaged or changed file fails naming it.
   */
  public Path verified(String name) throws IOException {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "the checkpoint has no " + name);
    }
    String recorded = state.getSha256Map().get(name);
    if (recorded == null) {
      throw new IOException(
          file + ": " + CheckpointStore.STATE_FILE + " records no checksum for it");
    }
    String actual = CheckpointStore.sha256(file);
    if (!actual.equals(recorded)) {
      throw new IOException(
          file
              + ": checksum mismatch (the file changed or is damaged): SHA-256 "
              + actual
              + ", recorded "
              + recorded);
    }
    return file;
  }
}
