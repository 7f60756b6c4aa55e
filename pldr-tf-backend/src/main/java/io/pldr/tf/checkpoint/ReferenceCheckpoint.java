package io.pldr.tf.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.io.Safetensors;
import io.pldr.tf.runtime.ParameterCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint of the paper's reference implementation: a folder with {@code config.json} (the
 * reference's hyper-parameter names) and {@code model.safetensors} (its {@code state_dict()} names,
 * linear weights {@code [out, in]}).
 */
public final class ReferenceCheckpoint {
  /** The file with the hyper-parameters. */
  public static final String CONFIG_FILE = "config.json";

  /** The file with the parameters. */
  public static final String WEIGHTS_FILE = "model.safetensors";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final ModelConfig config;
  private final Map<String, HostTensor> tensors;

  private ReferenceCheckpoint(Path dir, ModelConfig config, Map<String, HostTensor> tensors) {
    this.dir = dir;
    this.config = config;
    this.tensors = tensors;
  }

  /**
   * Reads a checkpoint folder for a model of the given precision: the reference's own (learned
   * operator) or a Hugging Face folder of the PLDR-LLM port ({@link HfCheckpoint}).
   */
  public static ReferenceCheckpoint read(Path dir, Precision precision) throws IOException {
    if (HfCheckpoint.isHfFolder(dir)) {
      HfCheckpoint hf = HfCheckpoint.open(dir);
      ModelConfig config = hf.modelConfig().toBuilder().setPrecision(precision).build();
      return new ReferenceCheckpoint(dir, config, hf.model());
    }
    Path configFile = dir.resolve(CONFIG_FILE);
    Path weights = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(configFile)) {
      throw new IOException(dir + ": not a reference checkpoint: " + CONFIG_FILE + " is missing");
    }
    if (!Files.isRegularFile(weights)) {
      throw new IOException(dir + ": not a reference checkpoint: " + WEIGHTS_FILE + " is missing");
    }
    ModelConfig config = config(configFile, precision);
    return new ReferenceCheckpoint(dir, config, Safetensors.read(weights).tensors());
  }

  /** Maps the reference's {@code config.json} onto a {@link ModelConfig}. */
  static ModelConfig config(Path file, Precision precision) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    String source = file.toString();
    if (root == null || !root.isObject()) {
      throw new ConfigException(source, "", "expected a JSON object");
    }
    ModelConfig.Builder b =
        ModelConfig.newBuilder()
            .setNumLayers(field(root, source, "num_layers"))
            .setDModel(field(root, source, "d_model"))
            .setNumHeads(field(root, source, "num_heads"))
            .setDff(field(root, source, "dff"))
            .setVocabSize(field(root, source, "input_vocab_size"))
            .setADff(field(root, source, "A_dff"))
            .setNumReslayerA(field(root, source, "num_reslayerA"))
            .setNumDenseA(field(root, source, "num_denseA"))
            .setMaxSeqLen(field(root, source, "max_seq_len"))
            .setPrecision(precision);
    b.getTensorOperatorBuilder().setName(ModelConfigs.DEFAULT_OPERATOR);
    return ModelConfigs.validate(b.build(), source);
  }

  private static int field(JsonNode root, String source, String name) {
    JsonNode n = root.get(name);
    if (n == null) {
      throw new ConfigException(source, name, "missing (the reference's config.json has it)");
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new ConfigException(source, name, "expected an integer, found " + n);
    }
    return n.asInt();
  }

  /** The model configuration the checkpoint describes. */
  public ModelConfig config() {
    return config;
  }

  /** The parameter tensors by reference name. */
  public Map<String, HostTensor> tensors() {
    return tensors;
  }

  /**
   * A model built by {@code factory} from this checkpoint's configuration, holding its parameters.
   * A tensor the configuration does not expect, a missing one, or one of the wrong shape or type
   * fails naming it.
   */
  public PldrModel load(ModelFactory factory) {
    PldrModel model = factory.create(config, 0);
    try {
      ParameterCheck.check(
          model.parameterSpecs(),
          tensors,
          dir.resolve(WEIGHTS_FILE) + " (shapes from " + dir.resolve(CONFIG_FILE) + ")");
      model.loadParameters(tensors);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
