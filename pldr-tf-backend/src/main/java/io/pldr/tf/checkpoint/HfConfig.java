package io.pldr.tf.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.RotaryLayout;
import io.pldr.api.config.TokenIds;
import io.pldr.tf.model.LayerNorm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code config.json} of the Hugging Face port of PLDR-LLM ({@code PldrllmConfig}, model type
 * {@value #MODEL_TYPE}), mapped onto a {@link ModelConfig} and back. Every field pldr cannot honour
 * is refused naming it: {@code rope_scaling}, tied embeddings, an activation other than SiLU, a
 * layer-norm epsilon other than 1e-6. {@code reference_rope} false (v52) is the {@link
 * RotaryLayout#HALF} layout; {@code rope_theta} is the rotary base.
 *
 * @param model the model, its operator {@code learned} or, with {@link #customG}, {@code external}
 *     (the file that holds G_LM is named by {@link HfCheckpoint})
 * @param customG the port's {@code custom_G_type}: empty for a learned model
 * @param attentionBias whether the attention projections have biases (zero biases otherwise)
 * @param gluBias whether the GLUs have biases
 * @param finalBias whether the final layer has a bias
 * @param torchDtype the port's {@code torch_dtype}, if given
 */
public record HfConfig(
    ModelConfig model,
    Optional<CustomG> customG,
    boolean attentionBias,
    boolean gluBias,
    boolean finalBias,
    Optional<String> torchDtype) {

  /** The file name. */
  public static final String FILE = "config.json";

  /** The port's model type. */
  public static final String MODEL_TYPE = "pldrllm";

  /** The port's causal-LM class. */
  public static final String ARCHITECTURE = "PldrllmForCausalLM";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double ROPE_THETA = 10000;

  /** The port's predefined G_LM kinds ({@code custom_G_type}). */
  public enum CustomG {
    /** G_LM = I: scaled dot-product attention. */
    IDENTITY,
    /** A random-normal G_LM. */
    RANDOM,
    /** A G_LM given from outside (a transferred or inferred one). */
    EXTERNAL;

    /** The value in {@code config.json}. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Reads and checks a {@code config.json}; every failure names the file and the field. */
  public static HfConfig read(Path file) throws IOException {
    String src = file.toString();
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(src, "", "not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(src, "", "expected a JSON object");
    }
    String type = root.path("model_type").asText("");
    if (!MODEL_TYPE.equals(type)) {
      throw new ConfigException(
          src, "model_type", "'" + type + "', expected '" + MODEL_TYPE + "' (a PLDR-LLM)");
    }
    JsonNode arch = root.get("architectures");
    if (arch != null && !arch.isNull()) {
      boolean found = false;
      for (JsonNode a : arch) {
        found |= ARCHITECTURE.equals(a.asText());
      }
      if (!found) {
        throw new ConfigException(
            src, "architectures", arch + ", expected [\"" + ARCHITECTURE + "\"]");
      }
    }
    int layers = positive(root, src, "num_hidden_layers");
    int heads = positive(root, src, "num_attention_heads");
    int hidden = positive(root, src, "hidden_size");
    int headDim = root.hasNonNull("head_dim") ? positive(root, src, "head_dim") : hidden / heads;
    if (hidden != heads * headDim) {
      throw new ConfigException(
          src,
          "hidden_size",
          hidden
              + " differs from num_attention_heads × head_dim = "
              + heads
              + " × "
              + headDim
              + " = "
              + heads * headDim);
    }
    if (headDim % 2 != 0) {
      throw new ConfigException(src, "head_dim", headDim + ", expected an even number (rotary)");
    }
    String act = root.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new ConfigException(
          src, "hidden_act", "'" + act + "' is not supported: expected 'silu'");
    }
    double eps = root.path("layer_norm_eps").asDouble(LayerNorm.EPSILON);
    if (Math.abs(eps - LayerNorm.EPSILON) > 1e-12) {
      throw new ConfigException(
          src, "layer_norm_eps", eps + " is not supported: pldr's layer norms use 1e-06");
    }
    if (root.hasNonNull("rope_scaling")) {
      throw new ConfigException(
          src, "rope_scaling", root.get("rope_scaling") + " is not supported: expected null");
    }
    if (root.path("tie_word_embeddings").asBoolean(false)) {
      throw new ConfigException(
          src,
          "tie_word_embeddings",
          "true is not supported: PLDR-LLM's final layer is not tied to the embedding");
    }
    JsonNode thetaNode = root.get("rope_theta");
    if (thetaNode != null && !thetaNode.isNull() && !thetaNode.isNumber()) {
      throw new ConfigException(src, "rope_theta", thetaNode + ", expected a number");
    }
    double theta = root.path("rope_theta").asDouble(ROPE_THETA);
    JsonNode ropeNode = root.get("reference_rope");
    if (ropeNode != null && !ropeNode.isNull() && !ropeNode.isBoolean()) {
      throw new ConfigException(src, "reference_rope", ropeNode + ", expected true or false");
    }
    // true: the reference's interleaved pairs (v51); false: the Llama-style half rotation (v52)
    RotaryLayout layout =
        root.path("reference_rope").asBoolean(true) ? RotaryLayout.INTERLEAVED : RotaryLayout.HALF;
    Optional<CustomG> customG = customG(root, src);
    ModelConfig.Builder b =
        ModelConfig.newBuilder()
            .setNumLayers(layers)
            .setDModel(hidden)
            .setNumHeads(heads)
            .setDff(positive(root, src, "intermediate_size"))
            .setVocabSize(positive(root, src, "vocab_size"))
            .setMaxSeqLen(positive(root, src, "max_position_embeddings"))
            .setRotaryLayout(layout)
            .setRopeTheta(theta)
            // the port's defaults; a model with a predefined G_LM has no metric learner to size
            .setADff(
                customG.isPresent() ? intOr(root, src, "A_dff", 170) : positive(root, src, "A_dff"))
            .setNumReslayerA(
                customG.isPresent()
                    ? intOr(root, src, "num_reslayerA", 8)
                    : positive(root, src, "num_reslayerA"))
            .setNumDenseA(
                customG.isPresent()
                    ? intOr(root, src, "num_denseA", 2)
                    : positive(root, src, "num_denseA"))
            .setTokenIds(
                TokenIds.newBuilder()
                    .setPad(intOr(root, src, "pad_token_id", 0))
                    .setBos(intOr(root, src, "bos_token_id", 2))
                    .setEos(intOr(root, src, "eos_token_id", 3)));
    if (customG.isEmpty()) {
      b.getTensorOperatorBuilder().setName(ModelConfigs.DEFAULT_OPERATOR);
    } else {
      b.getTensorOperatorBuilder().setName(EXTERNAL_OPERATOR);
    }
    String dtype = root.path("torch_dtype").asText("");
    if (!dtype.isEmpty() && !dtype.matches("float32|bfloat16|float16")) {
      throw new ConfigException(
          src, "torch_dtype", "'" + dtype + "', expected float32, bfloat16 or float16");
    }
    return new HfConfig(
        b.build(),
        customG,
        root.path("attention_bias").asBoolean(true),
        root.path("glu_bias").asBoolean(true),
        root.path("final_bias").asBoolean(true),
        dtype.isEmpty() ? Optional.empty() : Optional.of(dtype));
  }

  /** The operator that takes A_LM and G_LM from a file: {@code decoder.past_G_values} here. */
  static final String EXTERNAL_OPERATOR = "external";

  /**
   * The {@code config.json} of a model of {@code config}: the port's fields, float32 weights, every
   * bias present.
   */
  public static ObjectNode toJson(ModelConfig config, Optional<CustomG> customG) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add(ARCHITECTURE);
    n.put("model_type", MODEL_TYPE);
    n.put("vocab_size", config.getVocabSize());
    n.put("hidden_size", config.getDModel());
    n.put("intermediate_size", config.getDff());
    n.put("num_hidden_layers", config.getNumLayers());
    n.put("num_attention_heads", config.getNumHeads());
    n.put("head_dim", ModelConfigs.depth(config));
    n.put("max_position_embeddings", config.getMaxSeqLen());
    n.put("A_dff", config.getADff());
    n.put("num_reslayerA", config.getNumReslayerA());
    n.put("num_denseA", config.getNumDenseA());
    n.put("pad_token_id", config.getTokenIds().getPad());
    n.put("bos_token_id", config.getTokenIds().getBos());
    n.put("eos_token_id", config.getTokenIds().getEos());
    n.put("hidden_act", "silu");
    n.put("layer_norm_eps", LayerNorm.EPSILON);
    n.put("rope_theta", ModelConfigs.ropeTheta(config));
    n.putNull("rope_scaling");
    n.put("attention_bias", true);
    n.put("glu_bias", true);
    n.put("final_bias", true);
    n.put("attention_dropout", 0.0);
    n.put("tie_word_embeddings", false);
    n.put("reference_rope", ModelConfigs.rotaryLayout(config) != RotaryLayout.HALF);
    if (customG.isPresent()) {
      n.put("custom_G_type", customG.get().json());
    } else {
      n.putNull("custom_G_type");
    }
    n.put("cache_first_G", false);
    n.put("use_cache", true);
    n.put("torch_dtype", "float32");
    return n;
  }

  private static Optional<CustomG> customG(JsonNode root, String src) {
    JsonNode v = root.get("custom_G_type");
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    for (CustomG g : CustomG.values()) {
      if (g.json().equals(v.asText())) {
        return Optional.of(g);
      }
    }
    throw new ConfigException(
        src, "custom_G_type", v + ", expected null, \"identity\", \"random\" or \"external\"");
  }

  private static int positive(JsonNode root, String src, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      throw new ConfigException(src, field, "missing: expected a positive integer");
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
      throw new ConfigException(src, field, v + ", expected a positive integer");
    }
    return v.asInt();
  }

  private static int intOr(JsonNode root, String src, String field, int fallback) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
      throw new ConfigException(src, field, v + ", expected a non-negative integer");
    }
    return v.asInt();
  }
}
