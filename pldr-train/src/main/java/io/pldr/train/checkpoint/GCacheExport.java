package io.pldr.train.checkpoint;

import io.pldr.api.config.ModelConfig;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.text.HfTokenizer;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.inject.Components;
import io.pldr.tf.io.GCacheFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Infers a trained model's G-cache (every layer's A_LM and G_LM) from a prompt and saves it as a
 * {@link GCacheFile}: what {@code pldr gcache} writes, and what an ablation's transferred operator
 * reads.
 */
public final class GCacheExport {
  private GCacheExport() {}

  /**
   * Runs the prompt through the checkpoint's model (the operators of {@code components}) and writes
   * the G-cache to {@code out}, atomically; returns the model's configuration.
   */
  public static ModelConfig write(
      Checkpoint checkpoint, Components components, String prompt, Path out) throws IOException {
    ModelConfig config = checkpoint.state().getConfig().getModel();
    try (HfTokenizer tokenizer = HfTokenizer.load(checkpoint.tokenizerFile());
        CachedDecoder decoder = new CachedDecoder(components.spec(config))) {
      decoder.load(checkpoint.model());
      long[] row = Generator.promptIds(tokenizer, prompt);
      try (DecodeState state = decoder.prefill(new long[][] {row}).state()) {
        GCacheFile.save(out, config, state.gCache());
      }
    }
    return config;
  }
}
