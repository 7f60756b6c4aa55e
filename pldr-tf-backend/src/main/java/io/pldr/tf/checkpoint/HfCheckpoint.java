package io.pldr.tf.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.io.Safetensors;
import io.pldr.tf.operator.ExternalOperatorProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A model folder in the layout of the Hugging Face port of PLDR-LLM: {@code config.json} ({@link
 * HfConfig}), {@code model.safetensors} or shards named by {@code model.safetensors.index.json}
 * (the reference's tensor names; float32, bfloat16 or float16), and {@code tokenizer.model}
 * (SentencePiece) or {@code tokenizer.json}. A model with a predefined G_LM ({@code custom_G_type}
 * identity, random or external) runs pldr's {@code external} operator on the A_LM and G_LM of the
 * {@value #PAST_G} buffer; its metric learner is absent from the file and from the model.
 */
public final class HfCheckpoint implements ModelFolder {
  /** The weights of an unsharded model. */
  public static final String WEIGHTS_FILE = "model.safetensors";

  /** The index of a sharded model's weights. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  /**
   * The buffer of predefined deductive outputs, {@code [layers, 3, 1, heads, d, d]}: A, A_LM, G_LM.
   */
  public static final String PAST_G = GCacheFile.PAST_G;

  /** The buffer saying which layers' {@link #PAST_G} are set ({@code [layers]}, BOOL). */
  public static final String PAST_G_STATUS = "decoder.past_G_values_status";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final HfConfig hf;
  private final ModelConfig model;
  private final Map<String, Path> fileOf;
  private final Set<Path> files;
  private final Path tokenizer;

  private HfCheckpoint(
      Path dir,
      HfConfig hf,
      ModelConfig model,
      Map<String, Path> fileOf,
      Set<Path> files,
      Path tokenizer) {
    this.dir = dir;
    this.hf = hf;
    this.model = model;
    this.fileOf = fileOf;
    this.files = files;
    this.tokenizer = tokenizer;
  }

  /** Whether {@code dir} holds a Hugging Face {@code config.json} (one that names a model type). */
  public static boolean isHfFolder(Path dir) {
    Path config = dir.resolve(HfConfig.FILE);
    if (!Files.isRegularFile(config) || Files.isRegularFile(dir.resolve("state.textproto"))) {
      return false;
    }
    try {
      JsonNode root = JSON.readTree(config.toFile());
      return root != null && root.has("model_type");
    } catch (IOException e) {
      return true; // HfConfig.read says what is wrong with it
    }
  }

  /**
   * Opens a folder: reads and checks {@code config.json}, finds the weight files (an index's files
   * must all exist) and the tokenizer; a model with a predefined G_LM has its {@value #PAST_G}
   * checked against the model's shape. The weights themselves are read by {@link #model()}.
   */
  public static HfCheckpoint open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such model folder");
    }
    HfConfig hf = HfConfig.read(dir.resolve(HfConfig.FILE));
    Map<String, Path> fileOf = new LinkedHashMap<>();
    Set<Path> files = new LinkedHashSet<>();
    Path index = dir.resolve(INDEX_FILE);
    Path single = dir.resolve(WEIGHTS_FILE);
    if (Files.isRegularFile(index)) {
      JsonNode map = readIndex(index);
      for (Map.Entry<String, JsonNode> e : map.properties()) {
        Path file = dir.resolve(e.getValue().asText());
        if (!file.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
          throw new NoSuchFileException(
              index.toString(),
              null,
              "weight_map names '"
                  + e.getValue().asText()
                  + "' for tensor '"
                  + e.getKey()
                  + "', but "
                  + dir
                  + " has no such file");
        }
        fileOf.put(e.getKey(), file);
        files.add(file);
      }
    } else if (Files.isRegularFile(single)) {
      files.add(single);
    } else {
      throw new NoSuchFileException(
          dir.toString(), null, "no " + WEIGHTS_FILE + " and no " + INDEX_FILE + " (the weights)");
    }
    Path tokenizer = dir.resolve(CheckpointStore.SENTENCEPIECE_FILE);
    if (!Files.isRegularFile(tokenizer)) {
      tokenizer = dir.resolve(CheckpointStore.TOKENIZER_FILE);
    }
    if (!Files.isRegularFile(tokenizer)) {
      throw new NoSuchFileException(
          dir.toString(),
          null,
          "no tokenizer: expected "
              + CheckpointStore.SENTENCEPIECE_FILE
              + " (SentencePiece) or "
              + CheckpointStore.TOKENIZER_FILE);
    }
    ModelConfig model = hf.model();
    if (hf.customG().isPresent()) {
      Path gFile = fileOf.isEmpty() ? single : fileOf.get(PAST_G);
      if (gFile == null || !Safetensors.read(gFile, PAST_G::equals).tensors().containsKey(PAST_G)) {
        throw new IOException(
            (fileOf.isEmpty() ? single : index)
                + ": custom_G_type '"
                + hf.customG().get().json()
                + "' needs the tensor '"
                + PAST_G
                + "' (A, A_LM, G_LM per layer), which is absent");
      }
      model =
          model.toBuilder()
              .setTensorOperator(
                  model.getTensorOperator().toBuilder()
                      .putOptions(
                          ExternalOperatorProvider.FILE_OPTION, gFile.toAbsolutePath().toString()))
              .build();
    }
    model = ModelConfigs.validate(model, dir.resolve(HfConfig.FILE).toString());
    return new HfCheckpoint(dir, hf, model, fileOf, files, tokenizer);
  }

  private static JsonNode readIndex(Path index) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (IOException e) {
      throw new IOException(index + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new IOException(
          index + ": field 'weight_map': missing or empty, expected {tensor: file}");
    }
    return map;
  }

  /** What {@code config.json} says. */
  public HfConfig hfConfig() {
    return hf;
  }

  /** The weight files. */
  public Set<Path> weightFiles() {
    return files;
  }

  @Override
  public Path dir() {
    return dir;
  }

  @Override
  public CheckpointState state() {
    return CheckpointState.newBuilder()
        .setFormat(CheckpointStore.FORMAT)
        .setFormatVersion(CheckpointStore.VERSION)
        .setConfig(TrainConfig.newBuilder().setModel(model))
        .setTrainLoss(Double.NaN)
        .setValidationLoss(Double.NaN)
        .build();
  }

  @Override
  public ModelConfig modelConfig() {
    return model;
  }

  @Override
  public Path tokenizerFile() {
    return tokenizer;
  }

  @Override
  public String parametersSource() {
    return files.size() == 1
        ? files.iterator().next().toString()
        : dir.resolve(INDEX_FILE).toString();
  }

  /**
   * Reads the weights (memory-mapped, each value copied once into a float32 array), checks that
   * each is float32, bfloat16 or float16 and that an index's tensors are in the files it names,
   * leaves out the G buffers and gives the zero biases of a model configured without them.
   */
  @Override
  public Map<String, HostTensor> model() throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Path file : files) {
      Safetensors.Contents c =
          Safetensors.read(file, name -> !name.equals(PAST_G) && !name.equals(PAST_G_STATUS));
      for (Map.Entry<String, String> e : c.dtypes().entrySet()) {
        if (!e.getValue().matches("F32|BF16|F16")) {
          throw new IOException(
              file
                  + ": tensor '"
                  + e.getKey()
                  + "' has dtype "
                  + e.getValue()
                  + ", expected F32, BF16 or F16");
        }
        Path listed = fileOf.get(e.getKey());
        if (listed != null && !listed.equals(file)) {
          continue; // the index places it elsewhere: that file's copy counts
        }
        tensors.put(e.getKey(), c.tensors().get(e.getKey()));
      }
    }
    for (Map.Entry<String, Path> e : fileOf.entrySet()) {
      if (!tensors.containsKey(e.getKey())
          && !e.getKey().equals(PAST_G)
          && !e.getKey().equals(PAST_G_STATUS)) {
        throw new IOException(
            e.getValue()
                + ": has no tensor '"
                + e.getKey()
                + "', which "
                + dir.resolve(INDEX_FILE)
                + " places there");
      }
    }
    addZeroBiases(tensors);
    return tensors;
  }

  private void addZeroBiases(Map<String, HostTensor> tensors) {
    int d = model.getDModel();
    int depth = ModelConfigs.depth(model);
    for (int i = 0; i < model.getNumLayers(); i++) {
      String layer = "decoder.dec_layers." + i + ".";
      if (!hf.attentionBias()) {
        for (String p : new String[] {"wq", "wk", "wv", "dense"}) {
          tensors.putIfAbsent(layer + "mha1." + p + ".bias", zeros(d));
        }
      }
      if (!hf.gluBias()) {
        glu(tensors, layer + "ffn.", model.getDff(), d);
        if (hf.customG().isEmpty()) {
          for (int r = 0; r < model.getNumReslayerA(); r++) {
            for (int k = 0; k < model.getNumDenseA(); k++) {
              glu(
                  tensors,
                  layer + "mha1.reslayerAs." + r + ".denseAs." + k + ".",
                  model.getADff(),
                  depth);
            }
          }
        }
      }
    }
    if (!hf.finalBias()) {
      tensors.putIfAbsent("final_layer.bias", zeros(model.getVocabSize()));
    }
  }

  private static void glu(Map<String, HostTensor> tensors, String prefix, int hidden, int out) {
    tensors.putIfAbsent(prefix + "gluw1.bias", zeros(hidden));
    tensors.putIfAbsent(prefix + "gluw2.bias", zeros(hidden));
    tensors.putIfAbsent(prefix + "gluw3.bias", zeros(out));
  }

  private static HostTensor zeros(int n) {
    return HostTensor.wrapFloats(Shape.of(n), new float[n]);
  }
}
