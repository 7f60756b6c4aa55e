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
  void writesEveryElementAsItsTypesBytesAcrossChunksAndReturnsTheFilesSha256() throws Exception {
    // more elements than one chunk of the writer (65,536), floats held as floats and as doubles
    int n = 70_001;
    java.util.Random random = new java.util.Random(7);
    float[] floats = new float[n];
    double[] doubles = new double[n];
    for (int i = 0; i < n; i++) {
      floats[i] = (float) random.nextGaussian();
      doubles[i] = random.nextGaussian() * 1e100;
    }
    float[] special = {-0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN};
    System.arraycopy(special, 0, floats, n - special.length, special.length);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("f32", HostTensor.wrapFloats(Shape.of(n), floats));
    tensors.put("f64", HostTensor.wrap(DType.FLOAT64, Shape.of(n), doubles));
    tensors.put("f32d", HostTensor.of(DType.FLOAT32, Shape.of(3), new double[] {1.5, -0.0, 3e-8f}));
    tensors.put("i64", HostTensor.of(DType.INT64, Shape.of(2), new double[] {-5, 1L << 40}));
    tensors.put("i32", HostTensor.of(DType.INT32, Shape.of(2), new double[] {7, -8}));
    Path file = dir.resolve("big.safetensors");
    String sha = Safetensors.writeWithSha256(file, tensors, Map.of("format", "pt"));

    byte[] bytes = Files.readAllBytes(file);
    assertThat(sha)
        .isEqualTo(
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    Path plain = dir.resolve("plain.safetensors");
    Safetensors.write(plain, tensors, Map.of("format", "pt"));
    assertThat(Files.readAllBytes(plain)).isEqualTo(bytes);

    // the data, element by element: each value's bits in its type, little-endian
    ByteBuffer expected =
        ByteBuffer.allocate(n * 4 + n * 8 + 3 * 4 + 2 * 8 + 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : floats) {
      expected.putInt(Float.floatToRawIntBits(f));
    }
    for (double d : doubles) {
      expected.putLong(Double.doubleToRawLongBits(d));
    }
    expected.putFloat(1.5f).putFloat(-0f).putFloat(3e-8f);
    expected.putLong(-5).putLong(1L << 40).putInt(7).putInt(-8);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(java.util.Arrays.copyOfRange(bytes, (int) (8 + headerLength), bytes.length))
        .isEqualTo(expected.array());
    assertThat(Safetensors.read(file).tensors()).containsExactlyEntriesOf(tensors);
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
