package io.pldr.cache;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.testing.Specs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run folder holding one checkpoint of a tiny model with random weights and the test tokenizer
 * (384 ids), as training writes it.
 */
public final class TinyCheckpoint {
  /** The test tokenizer's file. */
  public static final Path TOKENIZER = resource("/tokenizer/tokenizer.json");

  private TinyCheckpoint() {}

  /** The tiny model's configuration with the given operator. */
  public static ModelConfig config(String operator) {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(2)
            .setDModel(32)
            .setNumHeads(2)
            .setDff(48)
            .setVocabSize(384)
            .setADff(12)
            .setNumReslayerA(1)
            .setNumDenseA(1)
            .setMaxSeqLen(64)
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName(operator))
            .build(),
        "tiny");
  }

  /** Writes a run folder {@code run} whose checkpoint holds {@code config}'s model from a seed. */
  public static Path write(Path run, ModelConfig config, long seed) throws IOException {
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(Specs.of(config))) {
      parameters = g.initialValues(seed);
    }
    return write(run, config, parameters, TOKENIZER);
  }

  /** Writes a run folder with the given parameters and tokenizer file. */
  public static Path write(
      Path run, ModelConfig config, Map<String, HostTensor> parameters, Path tokenizer)
      throws IOException {
    CheckpointState state =
        CheckpointState.newBuilder()
            .setStep(1)
            .setConfig(TrainConfig.newBuilder().setModel(config).setOutDir(run.toString()))
            .build();
    new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), 1)
        .write(state, parameters, Map.of(), tokenizer);
    return run;
  }

  /**
   * A resource as a file: itself when the classes are a folder, else (read from this module's
   * test-jar) a copy in a temporary file.
   */
  private static Path resource(String name) {
    try {
      java.net.URI uri = TinyCheckpoint.class.getResource(name).toURI();
      if (uri.getScheme().equals("file")) {
        return Path.of(uri);
      }
      Path copy =
          java.nio.file.Files.createTempFile("pldr-test-", "-" + Path.of(name).getFileName());
      copy.toFile().deleteOnExit();
      try (java.io.InputStream in = TinyCheckpoint.class.getResourceAsStream(name)) {
        java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return copy;
    } catch (java.net.URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read the test resource " + name, e);
    }
  }
}
