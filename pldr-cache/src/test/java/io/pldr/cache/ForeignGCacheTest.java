package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.ModelConfig;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.ModelFingerprint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A G-cache file knows the model it was inferred from: loading it with another model of the same
 * shape fails unless that is asked for on purpose.
 */
class ForeignGCacheTest {
  @TempDir Path dir;

  @Test
  void aModelsFingerprintIsTheRecordedSha256OfItsWeightsAndDiffersForOtherWeights()
      throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path a = TinyCheckpoint.write(dir.resolve("a"), config, 1);
    Path b = TinyCheckpoint.write(dir.resolve("b"), config, 2);
    ModelFolder folderA = ModelFolder.open(a);
    String fa = ModelFingerprint.of(folderA);
    assertThat(fa)
        .isEqualTo(
            "sha256:" + ModelFingerprint.file(folderA.dir().resolve(CheckpointStore.MODEL_FILE)));
    assertThat(ModelFingerprint.of(ModelFolder.open(b))).isNotEqualTo(fa);
    assertThat(ModelFingerprint.of(ModelFolder.open(a))).isEqualTo(fa);
  }

  @Test
  void aHuggingFaceFoldersFingerprintIsTheSha256OfItsWeightsAndItsGCacheLoadsWithIt()
      throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path a = TinyCheckpoint.write(dir.resolve("a"), config, 1);
    Path hf = dir.resolve("hf");
    io.pldr.cache.interop.HfExport.run(a, hf);
    String fingerprint = ModelFingerprint.of(ModelFolder.open(hf));
    assertThat(fingerprint)
        .isEqualTo("sha256:" + ModelFingerprint.file(hf.resolve("model.safetensors")))
        .isNotEqualTo(ModelFingerprint.of(ModelFolder.open(a)));
    Path file = dir.resolve("hf.gcache.safetensors");
    try (PretrainedModel model = PretrainedModel.load(hf)) {
      assertThat(model.fingerprint()).isEqualTo(fingerprint);
      model.saveGCache(file, "The whale");
    }
    try (PretrainedModel model = PretrainedModel.loader(hf).gCache(file).load()) {
      assertThat(model.gCache()).isPresent();
    }
    assertThatThrownBy(() -> PretrainedModel.loader(a).gCache(file).load())
        .hasMessageContaining("a G-cache of another model");
  }

  @Test
  void aGCacheOfAnotherModelIsRefusedNamingBothFingerprintsUnlessAllowed() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path a = TinyCheckpoint.write(dir.resolve("a"), config, 1);
    Path b = TinyCheckpoint.write(dir.resolve("b"), config, 2);
    Path file = dir.resolve("a.gcache.safetensors");
    String fa;
    try (PretrainedModel model = PretrainedModel.load(a)) {
      model.saveGCache(file, "The whale");
      fa = model.fingerprint();
    }
    assertThat(Safetensors.read(file).metadata()).containsEntry(GCacheFile.MODEL, fa);
    try (PretrainedModel own = PretrainedModel.loader(a).gCache(file).load()) {
      assertThat(own.gCache()).isPresent();
    }
    String expectedFingerprint = ModelFingerprint.of(ModelFolder.open(b));
    assertThatThrownBy(() -> PretrainedModel.loader(b).gCache(file).load())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("a G-cache of another model")
        .hasMessageContaining("model fingerprint " + fa + ", expected " + expectedFingerprint)
        .hasMessageContaining("--allow-foreign-g-cache");
    try (PretrainedModel foreign =
        PretrainedModel.loader(b).gCache(file).allowForeignGCache(true).load()) {
      assertThat(foreign.gCache().orElseThrow().layer(1).gLm().size()).isEqualTo(2 * 16 * 16);
    }
  }

  @Test
  void aDamagedGCacheFileIsRefusedEvenWhenForeignOnesAreAllowed() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path a = TinyCheckpoint.write(dir.resolve("a"), config, 1);
    Path file = dir.resolve("g.safetensors");
    try (PretrainedModel model = PretrainedModel.load(a)) {
      model.saveGCache(file, "The whale");
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 0x10;
    Files.write(file, bytes);
    assertThatThrownBy(() -> PretrainedModel.loader(a).gCache(file).allowForeignGCache(true).load())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("damaged G-cache file (checksum mismatch");
  }
}
