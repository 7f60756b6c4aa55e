package io.pldr.cache.interop;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.text.TokenizerCheck;
import io.pldr.cache.text.Tokenizers;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.HfCheckpoint;
import io.pldr.tf.checkpoint.ModelFingerprint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.runtime.NativeLibrary;
import io.pldr.tf.runtime.ParameterCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a Hugging Face folder of the PLDR-LLM port as a pldr run folder: {@code
 * checkpoints/step-00000000} with the model, the tokenizer and the configuration, and for a model
 * with a predefined G_LM its {@code gcache.safetensors} beside them. Everything is read and checked
 * before anything is written; a failed import leaves nothing at the target.
 */
public final class HfImport {
  /** The G-cache file of a model with a predefined G_LM, in the run folder. */
  public static final String GCACHE_FILE = "gcache.safetensors";

  private HfImport() {}

  /** What an import wrote. */
  public record Result(Path checkpoint, ModelConfig config, int tensors, long values) {}

  /** Imports {@code from} (a Hugging Face folder) into the new run folder {@code out}. */
  public static Result run(Path from, Path out) throws IOException {
    if (!HfCheckpoint.isHfFolder(from)) {
      throw new IOException(
          from + ": not a Hugging Face model folder (expected a config.json with a model_type)");
    }
    // TensorFlow's library (one to three seconds) is needed only by the parameter check: it loads
    // while the weights are read
    NativeLibrary.loadInBackground();
    HfCheckpoint source = HfCheckpoint.open(from);
    Path target = out.toAbsolutePath().normalize();
    ModelConfig config = source.modelConfig();
    var gCache =
        source.hfConfig().customG().isPresent()
            ? java.util.Optional.of(
                GCacheFile.load(
                    Path.of(
                        config
                            .getTensorOperator()
                            .getOptionsOrThrow(ExternalOperatorProvider.FILE_OPTION)),
                    config))
            : java.util.Optional.<io.pldr.api.cache.GCache>empty();
    if (gCache.isPresent()) {
      config =
          config.toBuilder()
              .setTensorOperator(
                  config.getTensorOperator().toBuilder()
                      .putOptions(
                          ExternalOperatorProvider.FILE_OPTION,
                          target.resolve(GCACHE_FILE).toString()))
              .build();
    }
    ModelSpec spec = PldrInjectors.spec(source.modelConfig());
    Map<String, HostTensor> parameters = source.model();
    ParameterCheck.check(ModelGraph.parameterSpecs(spec), parameters, source.parametersSource());
    Path tokenizerFile = source.tokenizerFile();
    try (Tokenizer tokenizer = Tokenizers.load(tokenizerFile)) {
      TokenizerCheck.check(tokenizer, tokenizerFile, config);
    }
    CheckpointState base = source.state();
    CheckpointState state =
        base.toBuilder()
            .setConfig(base.getConfig().toBuilder().setModel(config).setOutDir(target.toString()))
            .build();
    Path[] written = new Path[1];
    ModelConfig imported = config;
    NewFolder.write(
        target,
        dir -> {
          Path step =
              new CheckpointStore(dir.resolve(CheckpointStore.RUN_SUBFOLDER), 1)
                  .write(state, parameters, Map.of(), tokenizerFile);
          if (gCache.isPresent()) {
            // the model's own G: it records the imported checkpoint's fingerprint
            GCacheFile.save(
                dir.resolve(GCACHE_FILE),
                imported,
                gCache.get(),
                ModelFingerprint.of(ModelFolder.open(step)));
          }
          written[0] = target.resolve(dir.relativize(step));
        });
    long values = parameters.values().stream().mapToLong(HostTensor::size).sum();
    return new Result(written[0], imported, parameters.size(), values);
  }
}
