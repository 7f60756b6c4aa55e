package io.pldr.tf.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.testing.ReferenceFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void writeThenReadGivesBackEveryTypeShapeValueAndMetadata() throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put(
        "f32",
        HostTensor.of(DType.FLOAT32, Shape.of(2, 3), new double[] {1.5, -2.25, 3e-8f, 0, 7, -1e6}));
    tensors.put(
        "f64", HostTensor.of(DType.FLOAT64, Shape.of(3), new double[] {Math.PI, -1e-300, 2}));
    tensors.put("i64", HostTensor.of(DType.INT64, Shape.of(1, 2), new double[] {-5, 1L << 40}));
    tensors.put("i32", HostTensor.of(DType.INT32, Shape.of(2), new double[] {7, -8}));
    tensors.put("scalar", HostTensor.of(DType.FLOAT32, Shape.of(), new double[] {4}));
    Path file = dir.resolve("t.safetensors");
    Safetensors.write(file, tensors, Map.of("format", "pt"));

    Safetensors.Contents back = Safetensors.read(file);
    assertThat(back.tensors()).containsExactlyEntriesOf(tensors);
    assertThat(back.metadata()).containsEntry("format", "pt");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void readsTheReferenceFixtureWithItsNamesShapesAndTypes() throws IOException {
    ReferenceFixture fixture = ReferenceFixture.extractTo(dir);
    Safetensors.Contents c = Safetensors.read(fixture.checkpointDir().resolve("model.safetensors"));
    assertThat(c.tensors()).hasSize(111);
    assertThat(c.tensors().get("decoder.dec_layers.1.mha1.plgatt_layer.pwlst").shape())
        .isEqualTo(Shape.of(4, 16, 16));
    assertThat(c.metadata()).containsEntry("source", "pldr_model_v510");
    HostTensor tokens = fixture.io("input.tokens");
    assertThat(tokens.dtype()).isEqualTo(DType.INT64);
    assertThat(tokens.shape()).isEqualTo(Shape.of(2, 12));
    assertThat(tokens.toLongRows()[1]).endsWith(0, 0, 0);
  }

  @Test
  void decodesHalfAndBfloat16() throws IOException {
    // 1.0, -2.0, 65504 (largest half), smallest subnormal half; bf16 1.0 and -0.5
    short[] half = {0x3c00, (short) 0xc000, 0x7bff, 0x0001};
    short[] bf16 = {0x3f80, (short) 0xbf00};
    Path file = dir.resolve("h.safetensors");
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json);
    for (short s : half) {
      buf.putShort(s);
    }
    for (short s : bf16) {
      buf.putShort(s);
    }
    Files.write(file, buf.array());
    Map<String, HostTensor> t = Safetensors.read(file).tensors();
    assertThat(t.get("h").toDoubleArray()).containsExactly(1.0, -2.0, 65504.0, Math.pow(2, -24));
    assertThat(t.get("b").toDoubleArray()).containsExactly(1.0, -0.5);
  }

  @Test
  void truncatedFileIsReportedWithTheTensorName() throws IOException {
    Path file = dir.resolve("t.safetensors");
    Safetensors.write(
        file, Map.of("w", HostTensor.of(DType.FLOAT32, Shape.of(4), new double[4])), Map.of());
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 4));
    assertThatThrownBy(() -> Safetensors.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("within the file");
  }

  @Test
  void notASafetensorsFileIsReported() throws IOException {
    Path file = dir.resolve("x.safetensors");
    Files.writeString(file, "hello, world");
    assertThatThrownBy(() -> Safetensors.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a safetensors file");
  }
}
