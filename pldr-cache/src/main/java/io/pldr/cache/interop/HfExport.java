package io.pldr.cache.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.text.SpecialTokens;
import io.pldr.cache.DecodeState;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.text.HfTokenizer;
import io.pldr.cache.text.SentencePieceTokenizer;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.HfCheckpoint;
import io.pldr.tf.checkpoint.HfConfig;
import io.pldr.tf.checkpoint.HfConfig.CustomG;
import io.pldr.tf.inject.ExternalOperatorModule;
import io.pldr.tf.inject.IdentityOperatorModule;
import io.pldr.tf.inject.LearnedPlgaModule;
import io.pldr.tf.inject.PowerLawGraphAttentionModule;
import io.pldr.tf.inject.RandomOperatorModule;
import io.pldr.tf.io.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a trained model in the layout of the Hugging Face port of PLDR-LLM: {@code config.json},
 * {@code model.safetensors} (the reference's names, float32, metadata {@code {"format": "pt"}},
 * every tensor aligned to its element size), the tokenizer ({@code tokenizer.json} or {@code
 * tokenizer.model}) with {@code tokenizer_config.json} and {@code special_tokens_map.json}, and
 * {@code generation_config.json}. A model whose operator is constant (identity, random, external,
 * transferred: v510Gi) is written with the port's {@code custom_G_type} and the buffers {@code
 * decoder.past_G_values} (A = 0, A_LM, G_LM per layer, as the model computes them) and {@code
 * decoder.past_G_values_status}.
 */
public final class HfExport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfExport() {}

  /** What an export wrote. */
  public record Result(Path dir, Optional<CustomG> customG, int tensors) {}

  /** The port's {@code custom_G_type} of a pldr operator; other operators cannot be written. */
  static Optional<CustomG> customG(ModelConfig config, String source) {
    String op = config.getTensorOperator().getName();
    if (!config.getAttention().isEmpty()
        && !config.getAttention().equals(PowerLawGraphAttentionModule.NAME)) {
      throw new IllegalArgumentException(
          source
              + ": attention '"
              + config.getAttention()
              + "' has no Hugging Face form: only '"
              + PowerLawGraphAttentionModule.NAME
              + "' models can be exported");
    }
    if (op.isEmpty() || op.equals(LearnedPlgaModule.NAME)) {
      return Optional.empty();
    }
    if (op.equals(IdentityOperatorModule.NAME)) {
      return Optional.of(CustomG.IDENTITY);
    }
    if (op.equals(RandomOperatorModule.NAME)) {
      return Optional.of(CustomG.RANDOM);
    }
    if (op.equals(ExternalOperatorModule.EXTERNAL)
        || op.equals(ExternalOperatorModule.TRANSFERRED)) {
      return Optional.of(CustomG.EXTERNAL);
    }
    throw new IllegalArgumentException(
        source
            + ": tensor operator '"
            + op
            + "' has no Hugging Face form: expected learned, identity, random, external or"
            + " transferred");
  }

  /**
   * Exports the checkpoint (or run, or Hugging Face folder) {@code checkpoint} into {@code out}.
   */
  public static Result run(Path checkpoint, Path out) throws IOException {
    try (PretrainedModel model = PretrainedModel.load(checkpoint)) {
      ModelConfig config = model.checkpoint().modelConfig();
      Optional<CustomG> customG = customG(config, checkpoint.toString());
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      model.checkpoint().model().forEach((k, v) -> tensors.put(k, v.as(DType.FLOAT32)));
      if (customG.isPresent()) {
        SpecialTokens ids = model.specialTokens();
        GCache g;
        try (DecodeState state = model.decoder().prefill(new long[][] {{ids.eos()}}).state()) {
          g = state.gCache();
        }
        tensors.put(HfCheckpoint.PAST_G, pastG(config, g));
        float[] status = new float[config.getNumLayers()];
        java.util.Arrays.fill(status, 1);
        tensors.put(
            HfCheckpoint.PAST_G_STATUS,
            HostTensor.wrapFloats(Shape.of(config.getNumLayers()), status));
      }
      Path tokenizer = model.checkpoint().tokenizerFile();
      List<String> special = specialPieces(model);
      int count = tensors.size();
      NewFolder.write(
          out,
          dir -> {
            writeJson(dir.resolve(HfConfig.FILE), HfConfig.toJson(config, customG));
            Safetensors.write(
                dir.resolve(HfCheckpoint.WEIGHTS_FILE),
                tensors,
                Map.of("format", "pt"),
                Set.of(HfCheckpoint.PAST_G_STATUS));
            String name = CheckpointStore.tokenizerName(tokenizer);
            Files.copy(tokenizer, dir.resolve(name));
            writeJson(
                dir.resolve("tokenizer_config.json"),
                tokenizerConfig(config, special, name.endsWith(".model")));
            writeJson(dir.resolve("special_tokens_map.json"), specialTokensMap(special));
            writeJson(dir.resolve("generation_config.json"), generationConfig(config));
          });
      return new Result(out, customG, count);
    }
  }

  private static HostTensor pastG(ModelConfig config, GCache g) {
    int l = config.getNumLayers();
    int h = config.getNumHeads();
    int d = ModelConfigs.depth(config);
    int block = h * d * d;
    float[] all = new float[l * 3 * block];
    for (int i = 0; i < l; i++) {
      g.layer(i).aLm().copyTo(0, all, (3 * i + 1) * block, block);
      g.layer(i).gLm().copyTo(0, all, (3 * i + 2) * block, block);
    }
    return HostTensor.wrapFloats(Shape.of(l, 3, 1, h, d, d), all);
  }

  /** pad, unk, bos, eos as the tokenizer spells them. */
  private static List<String> specialPieces(PretrainedModel model) {
    SpecialTokens ids = model.specialTokens();
    if (model.tokenizer() instanceof SentencePieceTokenizer sp) {
      return List.of(
          sp.piece(ids.pad()), sp.piece(ids.unk()), sp.piece(ids.bos()), sp.piece(ids.eos()));
    }
    return HfTokenizer.SPECIAL_TOKENS;
  }

  private static ObjectNode tokenizerConfig(
      ModelConfig config, List<String> special, boolean sentencePiece) {
    ObjectNode n = JSON.createObjectNode();
    n.put("tokenizer_class", sentencePiece ? "LlamaTokenizer" : "PreTrainedTokenizerFast");
    n.put("add_bos_token", false);
    n.put("add_eos_token", false);
    n.put("model_max_length", config.getMaxSeqLen());
    n.put("pad_token", special.get(0));
    n.put("unk_token", special.get(1));
    n.put("bos_token", special.get(2));
    n.put("eos_token", special.get(3));
    n.put("clean_up_tokenization_spaces", false);
    if (sentencePiece) {
      n.put("legacy", false);
      n.put("sp_model_kwargs", JSON.createObjectNode());
    }
    return n;
  }

  private static ObjectNode specialTokensMap(List<String> special) {
    ObjectNode n = JSON.createObjectNode();
    n.put("pad_token", special.get(0));
    n.put("unk_token", special.get(1));
    n.put("bos_token", special.get(2));
    n.put("eos_token", special.get(3));
    return n;
  }

  private static ObjectNode generationConfig(ModelConfig config) {
    ObjectNode n = JSON.createObjectNode();
    n.put("_from_model_config", true);
    n.put("pad_token_id", config.getTokenIds().getPad());
    n.put("bos_token_id", config.getTokenIds().getBos());
    n.put("eos_token_id", config.getTokenIds().getEos());
    n.put("max_length", config.getMaxSeqLen());
    return n;
  }

  private static void writeJson(Path file, ObjectNode node) throws IOException {
    Files.writeString(
        file,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n",
        StandardCharsets.UTF_8);
  }
}
