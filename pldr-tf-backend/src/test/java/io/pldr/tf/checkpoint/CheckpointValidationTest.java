package io.pldr.tf.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.io.Safetensors;
import io.pldr.tf.testing.ReferenceFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint whose config and tensors disagree fails naming the tensor and both values. */
class CheckpointValidationTest {
  private static final String WQ = "decoder.dec_layers.0.mha1.wq.weight";

  @TempDir Path dir;
  private ReferenceFixture fixture;
  private ModelFactory factory;

  @BeforeEach
  void setUp() {
    fixture = ReferenceFixture.extractTo(dir);
    factory = Guice.createInjector(PldrInjectors.builtIn()).getInstance(ModelFactory.class);
  }

  private void editWeights(Consumer<Map<String, HostTensor>> edit) throws IOException {
    Path file = dir.resolve(ReferenceCheckpoint.WEIGHTS_FILE);
    Map<String, HostTensor> tensors = new LinkedHashMap<>(Safetensors.read(file).tensors());
    edit.accept(tensors);
    Safetensors.write(file, tensors, Map.of());
  }

  private ReferenceCheckpoint checkpoint() throws IOException {
    return ReferenceCheckpoint.read(fixture.checkpointDir(), Precision.FLOAT32);
  }

  @Test
  void missingTensorIsNamedWithItsExpectedShape() throws IOException {
    editWeights(t -> t.remove(WQ));
    assertThatThrownBy(() -> checkpoint().load(factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("missing tensor '" + WQ + "'")
        .hasMessageContaining("expected shape [64, 64]");
  }

  @Test
  void unexpectedTensorIsNamed() throws IOException {
    editWeights(
        t ->
            t.put(
                "decoder.extra.weight",
                HostTensor.of(DType.FLOAT32, Shape.of(2), new double[] {1, 2})));
    assertThatThrownBy(() -> checkpoint().load(factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unexpected tensor 'decoder.extra.weight'");
  }

  @Test
  void wrongShapeNamesExpectedAndFound() throws IOException {
    editWeights(t -> t.put(WQ, HostTensor.of(DType.FLOAT32, Shape.of(64, 32), new double[2048])));
    assertThatThrownBy(() -> checkpoint().load(factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor '" + WQ + "' has shape [64, 32], expected [64, 64]");
  }

  @Test
  void integerTensorIsRefusedNamingItsType() throws IOException {
    editWeights(t -> t.put(WQ, t.get(WQ).as(DType.INT64)));
    assertThatThrownBy(() -> checkpoint().load(factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor '" + WQ + "' has dtype INT64")
        .hasMessageContaining("expected a floating-point type");
  }

  @Test
  void configWithoutARequiredFieldNamesIt() throws IOException {
    Path config = dir.resolve(ReferenceCheckpoint.CONFIG_FILE);
    Files.writeString(config, Files.readString(config).replace("\"A_dff\"", "\"A_dff_typo\""));
    assertThatThrownBy(this::checkpoint)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("'A_dff'");
  }

  @Test
  void configThatDisagreesWithTheTensorsIsCaught() throws IOException {
    Path config = dir.resolve(ReferenceCheckpoint.CONFIG_FILE);
    Files.writeString(config, Files.readString(config).replace("\"dff\": 170", "\"dff\": 160"));
    assertThatThrownBy(() -> checkpoint().load(factory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decoder.dec_layers.0.ffn.gluw1")
        .hasMessageContaining("expected [160, 64]");
  }

  @Test
  void missingFolderContentIsReported() throws IOException {
    Files.delete(dir.resolve(ReferenceCheckpoint.WEIGHTS_FILE));
    assertThatThrownBy(this::checkpoint)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("model.safetensors is missing");
  }

  @Test
  void intactCheckpointLoads() throws IOException {
    try (var model = checkpoint().load(factory)) {
      assertThat(
              model
                  .parameters()
                  .get(WQ)
                  .maxAbsDiff(Safetensors.read(dir.resolve("model.safetensors")).tensors().get(WQ)))
          .isZero();
    }
  }
}
