package io.pldr.cache.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.cache.CacheMode;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.TinyCheckpoint;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.HfCheckpoint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.testing.RandomGCache;
import io.pldr.tf.testing.ReferenceFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A pldr checkpoint exported to the Hugging Face layout and imported back is the same model. */
class HfRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "Call me Ishmael.";

  @TempDir Path tmp;

  private Path run(String operator) throws IOException {
    boolean fromFile = operator.equals("external") || operator.equals("transferred");
    ModelConfig config = TinyCheckpoint.config(fromFile ? "learned" : operator);
    if (fromFile) {
      Path g = Files.createDirectories(tmp.resolve("g")).resolve("g.safetensors");
      GCacheFile.save(g, config, RandomGCache.of(config, 5, DType.FLOAT32), "sha256:random");
      config =
          config.toBuilder()
              .setTensorOperator(
                  TensorOperatorSpec.newBuilder()
                      .setName("external")
                      .putOptions("file", g.toString()))
              .build();
    }
    return TinyCheckpoint.write(tmp.resolve("run-" + operator), config, 17);
  }

  private static String greedy(Path dir) throws IOException {
    try (PretrainedModel model = PretrainedModel.load(dir)) {
      return model
          .generator()
          .generate(PROMPT, SamplingConfig.greedy(16), CacheMode.KV_G, s -> {})
          .text();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"learned", "identity", "random", "external", "transferred"})
  void exportThenImportIsTheSameModel(String operator) throws Exception {
    Path run = run(operator);
    Checkpoint source = CheckpointStore.open(run);
    Path hf = tmp.resolve("hf-" + operator);
    HfExport.run(run, hf);

    ModelFolder exported = ModelFolder.open(hf);
    assertThat(exported).isInstanceOf(HfCheckpoint.class);
    Map<String, HostTensor> original = source.model();
    assertThat(new TreeMap<>(exported.model())).isEqualTo(new TreeMap<>(original));
    JsonNode config = JSON.readTree(hf.resolve("config.json").toFile());
    assertThat(config.get("custom_G_type").isNull()).isEqualTo(operator.equals("learned"));
    if (!operator.equals("learned")) {
      assertThat(config.get("custom_G_type").asText())
          .isEqualTo(operator.equals("transferred") ? "external" : operator);
    }
    String text = greedy(run);
    assertThat(text).isNotEmpty();
    assertThat(greedy(hf)).isEqualTo(text);

    Path back = tmp.resolve("back-" + operator);
    HfImport.run(hf, back);
    Checkpoint imported = CheckpointStore.open(back);
    assertThat(new TreeMap<>(imported.model())).isEqualTo(new TreeMap<>(original));
    assertThat(greedy(back)).isEqualTo(text);
    assertThat(hf.resolve("tokenizer.json")).exists();
    for (String f :
        new String[] {
          "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"
        }) {
      assertThat(JSON.readTree(hf.resolve(f).toFile()).isObject()).as(f).isTrue();
    }
  }

  @Test
  void aHalfRotationModelIsWrittenAsV52AndReadBack() throws Exception {
    ModelConfig config =
        TinyCheckpoint.config("learned").toBuilder()
            .setRotaryLayout(io.pldr.api.config.RotaryLayout.HALF)
            .setRopeTheta(500000)
            .build();
    Path run = TinyCheckpoint.write(tmp.resolve("run-v52"), config, 3);
    Path hf = tmp.resolve("hf-v52");
    HfExport.run(run, hf);
    JsonNode json = JSON.readTree(hf.resolve("config.json").toFile());
    assertThat(json.get("reference_rope").asBoolean()).isFalse();
    assertThat(json.get("rope_theta").asDouble()).isEqualTo(500000.0);
    ModelConfig read = ModelFolder.open(hf).modelConfig();
    assertThat(read.getRotaryLayout()).isEqualTo(io.pldr.api.config.RotaryLayout.HALF);
    assertThat(read.getRopeTheta()).isEqualTo(500000.0);
    assertThat(greedy(hf)).isEqualTo(greedy(run));
  }

  /**
   * The exported weights hold exactly the tensors, by name and shape, of the reference's own
   * state_dict (the fixture's model.safetensors was written from the reference's PLDR_Model), with
   * the port's metadata and every tensor aligned to its element size.
   */
  @Test
  void exportedNamesAreTheReferenceStateDictAndTensorsAreAligned() throws Exception {
    ReferenceFixture fixture =
        ReferenceFixture.extractTo(Files.createDirectories(tmp.resolve("fx")));
    Map<String, JsonNode> reference = header(fixture.checkpointDir().resolve("model.safetensors"));
    reference.remove("__metadata__");
    ModelConfig config =
        io.pldr.tf.checkpoint.ReferenceCheckpoint.read(
                fixture.checkpointDir(), io.pldr.api.config.Precision.FLOAT32)
            .config();
    Path tokenizer = Path.of(HfRoundTripTest.class.getResource("/hf/tokenizer.model").toURI());
    Path run =
        TinyCheckpoint.write(
            tmp.resolve("run-fixture"),
            config,
            io.pldr.tf.checkpoint.ReferenceCheckpoint.read(
                    fixture.checkpointDir(), io.pldr.api.config.Precision.FLOAT32)
                .tensors(),
            tokenizer);
    Path hf = tmp.resolve("hf-fixture");
    HfExport.run(run, hf);
    Map<String, JsonNode> exported = header(hf.resolve("model.safetensors"));
    assertThat(exported.get("__metadata__").get("format").asText()).isEqualTo("pt");
    exported.remove("__metadata__");
    assertThat(exported.keySet()).isEqualTo(reference.keySet());
    for (Map.Entry<String, JsonNode> e : exported.entrySet()) {
      assertThat(e.getValue().get("shape"))
          .as(e.getKey())
          .isEqualTo(reference.get(e.getKey()).get("shape"));
      assertThat(e.getValue().get("dtype").asText()).isEqualTo("F32");
      assertThat(e.getValue().get("data_offsets").get(0).asLong() % 4).as(e.getKey()).isZero();
    }
    assertThat(hf.resolve("tokenizer.model")).hasSameBinaryContentAs(tokenizer);
    JsonNode tc = JSON.readTree(hf.resolve("tokenizer_config.json").toFile());
    assertThat(tc.get("bos_token").asText()).isEqualTo("[START]");
    assertThat(tc.get("eos_token").asText()).isEqualTo("[END]");
    assertThat(tc.get("add_bos_token").asBoolean()).isFalse();
  }

  /** The data start (8 + header length) is a multiple of 8, so offsets aligned in it stay so. */
  private static Map<String, JsonNode> header(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      long n = len.flip().getLong();
      assertThat((8 + n) % 8).as("data start of %s", file).isZero();
      ByteBuffer h = ByteBuffer.allocate((int) n);
      ch.read(h, 8);
      Map<String, JsonNode> m = new TreeMap<>();
      JSON.readTree(new String(h.array(), StandardCharsets.UTF_8))
          .properties()
          .forEach(e -> m.put(e.getKey(), e.getValue()));
      return m;
    }
  }
}
