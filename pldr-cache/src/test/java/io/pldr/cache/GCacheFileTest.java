package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.testing.ReferenceFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A G-cache inferred once, saved, and used by a later run that never runs the deep net. */
class GCacheFileTest {
  @TempDir Path dir;

  @Test
  void savedGCacheReproducesKvGDecodingWithoutTheDeepNet() throws Exception {
    Path file = dir.resolve("gcache.safetensors");
    try (FixtureDecoder fd = FixtureDecoder.open(dir, io.pldr.api.config.Precision.FLOAT32)) {
      ReferenceFixture f = fd.fixture();
      ReferenceCheckpoint ckpt = fd.checkpoint();
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      int p = (int) f.io("decode.prompt_length").get(0);
      try (DecodeState s = decoder.prefill(new long[][] {Arrays.copyOf(row, p)}).state()) {
        GCacheFile.save(file, ckpt.config(), s.gCache(), "sha256:fixture");
      }
      GCache g = GCacheFile.load(file, ckpt.config());
      assertThat(g.numLayers()).isEqualTo(2);

      HostTensor expected = f.io("decode.kv_g.logits");
      int vocab = ckpt.config().getVocabSize();
      CachedDecoder.Step step = decoder.prefill(new long[][] {Arrays.copyOf(row, p)}, g);
      double err = diff(step.logits(), expected, 0, vocab);
      DecodeState state = step.state();
      for (int j = 1; j <= row.length - p; j++) {
        step = decoder.step(state, new long[][] {Arrays.copyOf(row, p + j)}, CacheMode.KV_G);
        state = step.state();
        err = Math.max(err, diff(step.logits(), expected, j, vocab));
      }
      DecodeState last = state;
      assertThatThrownBy(() -> decoder.step(last, new long[][] {row}, CacheMode.KV))
          .hasMessageContaining("use kv_g or g");
      state.close();
      assertThat(err).isLessThanOrEqualTo(ReferenceFixture.tolerance(expected, 1e-4));
    }
  }

  private static double diff(HostTensor logits, HostTensor expected, int step, int vocab) {
    double m = 0;
    for (int v = 0; v < vocab; v++) {
      m = Math.max(m, Math.abs(logits.get(v) - expected.get(step * vocab + v)));
    }
    return m;
  }

  @Test
  void aGCacheOfAnotherModelShapeIsRefused() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    ModelConfig config =
        ReferenceCheckpoint.read(f.checkpointDir(), io.pldr.api.config.Precision.FLOAT32).config();
    Path file = dir.resolve("g.safetensors");
    HostTensor eye =
        HostTensor.of(
            io.pldr.api.tensor.DType.FLOAT32,
            io.pldr.api.tensor.Shape.of(1, 4, 16, 16),
            new double[4 * 16 * 16]);
    GCacheFile.save(
        file,
        config,
        new GCache(List.of(new LayerDeductive(eye, eye), new LayerDeductive(eye, eye))),
        "sha256:zeros");
    ModelConfig other = config.toBuilder().setNumLayers(3).build();
    assertThatThrownBy(() -> GCacheFile.load(file, other))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("2 layers × 4 heads × depth 16")
        .hasMessageContaining("3 layers × 4 heads × depth 16");
  }
}
