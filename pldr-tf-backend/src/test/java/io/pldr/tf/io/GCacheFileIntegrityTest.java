package io.pldr.tf.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.testing.RandomGCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A G-cache file records its tensors' SHA-256 and its model's fingerprint: damaged files,
 * non-finite values and (unless allowed) another model's G-cache are refused; older files load.
 */
class GCacheFileIntegrityTest {
  private static final String MINE = "sha256:" + "a".repeat(64);
  private static final String OTHER = "sha256:" + "b".repeat(64);

  @TempDir Path dir;

  private static ModelConfig config() {
    return ModelConfig.newBuilder()
        .setNumLayers(2)
        .setDModel(16)
        .setNumHeads(2)
        .setDff(24)
        .setVocabSize(32)
        .setADff(4)
        .setMaxSeqLen(8)
        .build();
  }

  private Path saved(GCache g) throws IOException {
    Path file = dir.resolve("g.safetensors");
    GCacheFile.save(file, config(), g, MINE);
    return file;
  }

  @Test
  void theFileRecordsTheTensorsChecksumTheModelAndItsShapeAndLoadsForThatModel() throws Exception {
    GCache g = RandomGCache.of(config(), 3, DType.FLOAT32);
    Path file = saved(g);
    Map<String, String> meta = Safetensors.read(file).metadata();
    assertThat(meta)
        .containsEntry("version", "2")
        .containsEntry(GCacheFile.MODEL, MINE)
        .containsEntry("num_layers", "2")
        .containsEntry("num_heads", "2")
        .containsEntry("depth", "8")
        .containsEntry("d_model", "16")
        .containsEntry(GCacheFile.SHA256, Safetensors.dataSha256(file));
    assertThat(meta.get(GCacheFile.SHA256)).hasSize(64);
    GCache back = GCacheFile.load(file, config(), MINE, false);
    for (int i = 0; i < 2; i++) {
      assertThat(back.layer(i).aLm().maxAbsDiff(g.layer(i).aLm())).isLessThan(1e-6);
      assertThat(back.layer(i).gLm().maxAbsDiff(g.layer(i).gLm())).isLessThan(1e-6);
    }
  }

  @Test
  void aFileWithOneChangedByteIsRefusedAsDamaged() throws Exception {
    Path file = saved(RandomGCache.of(config(), 3, DType.FLOAT32));
    long size = Files.size(file);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, size - 5);
      b.put(0, (byte) (b.get(0) ^ 0x01)); // one bit of the last G_LM, still a finite float
      ch.write(b.flip(), size - 5);
    }
    for (boolean allowForeign : new boolean[] {false, true}) {
      assertThatThrownBy(() -> GCacheFile.load(file, config(), MINE, allowForeign))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(file.toString())
          .hasMessageContaining("damaged G-cache file (checksum mismatch");
    }
    // the operators' load, which checks no model, checks the checksum too
    assertThatThrownBy(() -> GCacheFile.load(file, config()))
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void aNanOrInfinityIsRefusedNamingTheFileAndTheTensor() throws Exception {
    GCache g = RandomGCache.of(config(), 3, DType.FLOAT32);
    // a file whose checksum matches its values, written by other means: NaN in layer 1's G_LM
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < 2; i++) {
      tensors.put("layer" + i + ".A_LM", g.layer(i).aLm());
      double[] v = g.layer(i).gLm().toDoubleArray();
      if (i == 1) {
        v[7] = Double.NaN;
      }
      tensors.put("layer" + i + ".G_LM", HostTensor.of(DType.FLOAT32, g.layer(i).gLm().shape(), v));
    }
    Path file = dir.resolve("nan.safetensors");
    Safetensors.write(
        file,
        tensors,
        Map.of(
            "format",
            GCacheFile.FORMAT,
            "version",
            "2",
            "num_layers",
            "2",
            "num_heads",
            "2",
            "depth",
            "8",
            GCacheFile.MODEL,
            MINE,
            GCacheFile.SHA256,
            Safetensors.dataSha256(tensors)));
    assertThatThrownBy(() -> GCacheFile.load(file, config(), MINE, false))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("tensor 'layer1.G_LM' holds NaN at index 7");
    assertThatThrownBy(() -> GCacheFile.load(file, config()))
        .hasMessageContaining("'layer1.G_LM' holds NaN");

    // nor is a G-cache with an infinity written
    List<LayerDeductive> layers = new ArrayList<>(g.layers());
    double[] a = g.layer(0).aLm().toDoubleArray();
    a[0] = Double.POSITIVE_INFINITY;
    layers.set(
        0,
        new LayerDeductive(
            HostTensor.of(DType.FLOAT32, g.layer(0).aLm().shape(), a), g.layer(0).gLm()));
    Path inf = dir.resolve("inf.safetensors");
    assertThatThrownBy(() -> GCacheFile.save(inf, config(), new GCache(layers), MINE))
        .hasMessageContaining("'layer0.A_LM' holds Infinity at index 0");
    assertThat(inf).doesNotExist();
  }

  @Test
  void aGCacheOfAnotherModelOfTheSameShapeIsRefusedUnlessUsedOnPurpose() throws Exception {
    GCache g = RandomGCache.of(config(), 3, DType.FLOAT32);
    Path file = saved(g);
    assertThatThrownBy(() -> GCacheFile.load(file, config(), OTHER, false))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("a G-cache of another model")
        .hasMessageContaining("model fingerprint " + MINE + ", expected " + OTHER)
        .hasMessageContaining("--allow-foreign-g-cache")
        .hasMessageContaining("allowForeignGCache(true)");
    GCache onPurpose = GCacheFile.load(file, config(), OTHER, true);
    assertThat(onPurpose.layer(1).gLm().maxAbsDiff(g.layer(1).gLm())).isLessThan(1e-6);
    // the transferred and external operators' load checks no model
    assertThat(GCacheFile.load(file, config()).numLayers()).isEqualTo(2);
  }

  @Test
  void aFileWrittenBeforeChecksumsLoadsUnverified() throws Exception {
    GCache g = RandomGCache.of(config(), 5, DType.FLOAT32);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < 2; i++) {
      tensors.put("layer" + i + ".A_LM", g.layer(i).aLm());
      tensors.put("layer" + i + ".G_LM", g.layer(i).gLm());
    }
    Path file = dir.resolve("old.safetensors");
    Safetensors.write(
        file,
        tensors,
        Map.of(
            "format",
            GCacheFile.FORMAT,
            "version",
            "1",
            "num_layers",
            "2",
            "num_heads",
            "2",
            "depth",
            "8",
            "tensor_operator",
            "learned"));
    GCache back = GCacheFile.load(file, config(), OTHER, false);
    assertThat(back.layer(0).gLm().maxAbsDiff(g.layer(0).gLm())).isLessThan(1e-6);
  }

  @Test
  void theDataChecksumOfTensorsIsTheOneReadBackFromTheirFile() throws Exception {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    GCache g = RandomGCache.of(config(), 9, DType.FLOAT64);
    tensors.put("a", g.layer(0).aLm());
    tensors.put("b", RandomGCache.of(config(), 9, DType.FLOAT32).layer(1).gLm());
    Path file = dir.resolve("t.safetensors");
    Safetensors.write(file, tensors, Map.of("x", "y"));
    assertThat(Safetensors.dataSha256(file)).isEqualTo(Safetensors.dataSha256(tensors));
    tensors.put("b", g.layer(1).gLm());
    assertThat(Safetensors.dataSha256(tensors)).isNotEqualTo(Safetensors.dataSha256(file));
  }
}
