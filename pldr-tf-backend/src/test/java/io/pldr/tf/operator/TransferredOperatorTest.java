package io.pldr.tf.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ForwardResult;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.inject.ExternalOperatorModule;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.io.Safetensors;
import io.pldr.tf.testing.RandomGCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code transferred}: G_LM per layer from another model's G-cache file, checked for shape. */
class TransferredOperatorTest {
  @TempDir Path dir;

  /** The model that receives G_LM: 2 layers × 2 heads × depth 8. */
  private static ModelConfig model(Path file) {
    return shape(2, 16, 2).toBuilder()
        .setTensorOperator(
            TensorOperatorSpec.newBuilder()
                .setName(ExternalOperatorModule.TRANSFERRED)
                .putOptions("file", file.toString()))
        .build();
  }

  private static ModelConfig shape(int layers, int dModel, int heads) {
    return ModelConfig.newBuilder()
        .setNumLayers(layers)
        .setDModel(dModel)
        .setNumHeads(heads)
        .setDff(24)
        .setVocabSize(32)
        .setADff(4)
        .setMaxSeqLen(8)
        .build();
  }

  private static GCache layers(ModelConfig c, long seed) {
    return RandomGCache.of(c, seed, DType.FLOAT32);
  }

  private static PldrModel build(ModelConfig config) {
    return Guice.createInjector(PldrInjectors.builtIn())
        .getInstance(ModelFactory.class)
        .create(config, 1);
  }

  @Test
  void eachLayerAttendsWithTheGLmOfTheFile() throws Exception {
    Path file = dir.resolve("trained.safetensors");
    GCacheFile.save(file, shape(2, 16, 2), layers(shape(2, 16, 2), 4), "sha256:trained");
    GCache trained = GCacheFile.load(file, shape(2, 16, 2));
    try (PldrModel model = build(model(file))) {
      assertThat(model.parameterSpecs().keySet()).noneMatch(n -> n.contains("plgatt_layer"));
      ForwardResult r = model.forward(new long[][] {{5, 9, 4, 1}});
      for (int i = 0; i < 2; i++) {
        assertThat(r.layers().get(i).gLm().maxAbsDiff(trained.layer(i).gLm())).isZero();
        assertThat(r.layers().get(i).aLm().maxAbsDiff(trained.layer(i).aLm())).isZero();
      }
    }
  }

  @Test
  void anotherModelsGCacheIsUsedByDesignButADamagedOneIsRefused() throws Exception {
    Path file = dir.resolve("trained.safetensors");
    // recorded as inferred from another model: the transferred operator does not check the model
    GCacheFile.save(file, shape(2, 16, 2), layers(shape(2, 16, 2), 4), "sha256:another-model");
    try (PldrModel model = build(model(file))) {
      assertThat(model.forward(new long[][] {{5, 9}}).layers()).hasSize(2);
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x01;
    java.nio.file.Files.write(file, bytes);
    assertThatThrownBy(() -> build(model(file)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("option 'file'")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("damaged G-cache file (checksum mismatch");
  }

  @Test
  void aGCacheOfAnotherShapeFailsNamingTheOptionTheFileAndBothShapes() throws Exception {
    String expected = "expected 2 layers × 2 heads × depth 8";
    Map<String, ModelConfig> others =
        Map.of(
            "3 layers × 2 heads × depth 8", shape(3, 16, 2),
            "2 layers × 4 heads × depth 4", shape(2, 16, 4),
            "2 layers × 2 heads × depth 4", shape(2, 8, 2));
    for (Map.Entry<String, ModelConfig> other : others.entrySet()) {
      Path file =
          dir.resolve(
              other.getValue().getNumLayers()
                  + "-"
                  + other.getValue().getDModel()
                  + "-"
                  + other.getValue().getNumHeads()
                  + ".safetensors");
      GCacheFile.save(file, other.getValue(), layers(other.getValue(), 1), "sha256:other");
      assertThatThrownBy(() -> build(model(file)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("tensor_operator.options")
          .hasMessageContaining("operator 'transferred', option 'file'")
          .hasMessageContaining(file.toString())
          .hasMessageContaining("G-cache of a model with " + other.getKey())
          .hasMessageContaining(expected);
    }
  }

  @Test
  void tensorsOfTheWrongShapeFailNamingTheLayerAndBothShapes() throws Exception {
    Path file = dir.resolve("cut.safetensors");
    GCache right = layers(shape(2, 16, 2), 2);
    GCache wrong = layers(shape(2, 8, 2), 2);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < 2; i++) {
      tensors.put("layer" + i + ".A_LM", right.layer(i).aLm());
      tensors.put("layer" + i + ".G_LM", (i == 1 ? wrong : right).layer(i).gLm());
    }
    Safetensors.write(
        file,
        tensors,
        Map.of(
            "format",
            GCacheFile.FORMAT,
            "version",
            GCacheFile.VERSION,
            "num_layers",
            "2",
            "num_heads",
            "2",
            "depth",
            "8"));
    assertThatThrownBy(() -> build(model(file)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("option 'file'")
        .hasMessageContaining("layer 1 needs A_LM and G_LM of shape [1, 2, 8, 8]")
        .hasMessageContaining("found A_LM [1, 2, 8, 8] and G_LM [1, 2, 4, 4]");
  }

  @Test
  void withoutAFileTheOptionIsNamedAsMissing() {
    ModelConfig config =
        shape(2, 16, 2).toBuilder()
            .setTensorOperator(
                TensorOperatorSpec.newBuilder().setName(ExternalOperatorModule.TRANSFERRED))
            .build();
    assertThatThrownBy(() -> build(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tensor_operator.options")
        .hasMessageContaining("option 'file': missing");
  }
}
