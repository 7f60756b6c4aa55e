package io.pldr.train.checkpoint;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.ModelFingerprint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.ExternalOperatorModule;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.runtime.ModelGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a learned (v510) checkpoint and a G-cache inferred from it into an inference model of its
 * own (the reference's v510Gi): a checkpoint whose operator is {@code external} (the G-cache,
 * copied beside it) and which holds no metric-learner, power-law or metric-norm weights.
 */
public final class InferenceConversion {
  /** The G-cache file's name inside the converted run folder. */
  public static final String GCACHE_FILE = "gcache.safetensors";

  private InferenceConversion() {}

  /**
   * Writes the inference model into the run folder {@code out}; returns its checkpoint. The G-cache
   * must have been inferred from {@code source} (its checksum, values and model fingerprint are
   * checked) unless {@code allowForeign}.
   */
  public static Path convert(
      ModelFolder source, Path gCache, Path out, Components components, boolean allowForeign)
      throws IOException {
    ModelConfig learned = source.state().getConfig().getModel();
    GCacheFile.load(gCache, learned, ModelFingerprint.of(source), allowForeign);
    Files.createDirectories(out);
    Path copied = out.resolve(GCACHE_FILE).toAbsolutePath();
    Files.copy(gCache, copied, StandardCopyOption.REPLACE_EXISTING);
    ModelConfig inference =
        ModelConfigs.validate(
            learned.toBuilder()
                .setTensorOperator(
                    learned.getTensorOperator().toBuilder()
                        .clearOptions()
                        .setName(ExternalOperatorModule.EXTERNAL)
                        .putOptions(ExternalOperatorProvider.FILE_OPTION, copied.toString()))
                .build(),
            "converted model");
    Map<String, HostTensor> kept = new LinkedHashMap<>();
    Map<String, HostTensor> all = source.model();
    try (ModelGraph graph = new ModelGraph(components.spec(inference))) {
      for (String name : graph.parameterSpecs().keySet()) {
        kept.put(name, all.get(name));
      }
    }
    TrainConfig config =
        source.state().getConfig().toBuilder()
            .setModel(inference)
            .setOutDir(out.toString())
            .build();
    CheckpointState state = source.state().toBuilder().setConfig(config).clearSha256().build();
    return new CheckpointStore(out.resolve("checkpoints"), 1)
        .write(state, kept, Map.of(), source.tokenizerFile());
  }
}
