package io.pldr.train.ablation;

import io.pldr.api.config.TrainConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One variant of an ablation, resolved: its name, its validated training configuration (the base
 * with the ablation's and the variant's changes, {@code out_dir} = the ablation's folder / name),
 * the operator as the table shows it, and, for a transferred G_LM, where its G-cache comes from.
 */
public record PlannedVariant(
    String name, TrainConfig config, String operator, Optional<GCacheSource> gCache) {

  /**
   * A G-cache inferred from the final checkpoint of the earlier {@code variant} with {@code
   * prompt}, written to {@code file} (the variant's operator option {@code file}).
   */
  public record GCacheSource(String variant, String prompt, Path file) {}

  /** The variant's run folder. */
  public Path outDir() {
    return Path.of(config.getOutDir());
  }
}
