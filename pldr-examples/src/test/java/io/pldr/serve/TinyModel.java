package io.pldr.serve;

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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run folder with one checkpoint of pldr-cache's tiny random model (2 layers, d_model 32, context
 * 64) and its test tokenizer (384 ids), which this module reads from pldr-cache's test-jar.
 */
final class TinyModel {
  private TinyModel() {}

  /** Writes the run folder {@code run} with a model drawn from {@code seed}. */
  static Path write(Path run, long seed) throws IOException {
    ModelConfig config =
        ModelConfigs.validate(
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
                .setTensorOperator(TensorOperatorSpec.newBuilder().setName("learned"))
                .build(),
            "tiny");
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(Specs.of(config))) {
      parameters = g.initialValues(seed);
    }
    Files.createDirectories(run);
    Path tokenizer = run.resolveSibling(run.getFileName() + "-tokenizer.json");
    try (InputStream in = TinyModel.class.getResourceAsStream("/tokenizer/tokenizer.json")) {
      Files.copy(in, tokenizer);
    }
    CheckpointState state =
        CheckpointState.newBuilder()
            .setStep(1)
            .setConfig(TrainConfig.newBuilder().setModel(config).setOutDir(run.toString()))
            .build();
    new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), 1)
        .write(state, parameters, Map.of(), tokenizer);
    return run;
  }
}
