package io.pldr.train.ablation;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.config.TrainConfig;
import io.pldr.train.config.AblationVariant;
import io.pldr.train.config.ConfigOverrides;
import io.pldr.train.config.TrainConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Derives a variant's training configuration from the ablation's base: the variant's operator
 * replaces the base's, its seed sets the initial weights, its overrides follow, a G-cache taken
 * from an earlier variant becomes the operator's option {@code file}; then the data order is pinned
 * to the base's ({@code data_seed}), {@code out_dir} set to the ablation's folder / name, and the
 * result validated. Errors name the ablation file, the variant and the field.
 */
final class VariantConfigs {
  /** The option of the {@code external} (and {@code transferred}) operator naming its file. */
  static final String FILE_OPTION = "file";

  /** The G-cache of a transferred variant, in its folder. */
  static final String GCACHE_FILE = "gcache.safetensors";

  /** Fields every variant shares: they decide the data, its order, or the budget. */
  private static final List<String> SHARED =
      List.of(
          "data", "data_seed", "batch_size", "seq_len", "grad_accumulation", "steps", "out_dir");

  private final TrainConfig base;
  private final long dataSeed;
  private final Path outDir;
  private final String file;

  /** Variants of {@code base} (with the ablation's overrides) in {@code outDir}. */
  VariantConfigs(TrainConfig base, Path outDir, String file) {
    this.base = base;
    this.dataSeed = base.hasDataSeed() ? base.getDataSeed() : base.getSeed();
    this.outDir = outDir;
    this.file = file;
  }

  /** Resolves {@code v}; {@code earlier} are the variants before it, by name. */
  PlannedVariant plan(AblationVariant v, Map<String, PlannedVariant> earlier) {
    String source = file + ": variant '" + v.getName() + "'";
    TrainConfig.Builder b = base.toBuilder();
    if (v.hasOperator()) {
      b.getModelBuilder().setTensorOperator(v.getOperator());
    }
    if (v.hasSeed()) {
      b.setSeed(v.getSeed());
    }
    for (String o : v.getOverridesList()) {
      String path = o.contains("=") ? o.substring(0, o.indexOf('=')).strip() : o;
      String first = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
      if (SHARED.contains(first)) {
        throw new ConfigException(
            source,
            "overrides",
            "'"
                + o
                + "': every variant trains on the"
                + " same data, in the same order, for the same steps: set "
                + first
                + " in the"
                + " ablation's overrides, which apply to every variant");
      }
      ConfigOverrides.apply(b, o, source, "overrides");
    }
    Path dir = outDir.resolve(v.getName());
    Optional<PlannedVariant.GCacheSource> gCache = gCacheSource(v, b, earlier, source, dir);
    gCache.ifPresent(
        g ->
            b.getModelBuilder()
                .getTensorOperatorBuilder()
                .putOptions(FILE_OPTION, g.file().toString()));
    b.setDataSeed(dataSeed).setOutDir(dir.toString());
    TrainConfig config = TrainConfigs.validate(b.build(), source);
    return new PlannedVariant(
        v.getName(), config, label(config.getModel().getTensorOperator(), gCache), gCache);
  }

  private static Optional<PlannedVariant.GCacheSource> gCacheSource(
      AblationVariant v,
      TrainConfig.Builder b,
      Map<String, PlannedVariant> earlier,
      String source,
      Path dir) {
    if (v.getGCacheFrom().isEmpty()) {
      if (!v.getGCachePrompt().isEmpty()) {
        throw new ConfigException(
            source,
            "g_cache_prompt",
            "set without g_cache_from, the" + " variant whose G-cache it infers");
      }
      return Optional.empty();
    }
    PlannedVariant from = earlier.get(v.getGCacheFrom());
    if (from == null) {
      throw new ConfigException(
          source,
          "g_cache_from",
          "'"
              + v.getGCacheFrom()
              + "' is not"
              + " an earlier variant; earlier variants: "
              + (earlier.isEmpty() ? "none" : String.join(", ", earlier.keySet())));
    }
    if (v.getGCachePrompt().isEmpty()) {
      throw new ConfigException(
          source,
          "g_cache_prompt",
          "missing: the prompt the G-cache of '" + from.name() + "' is inferred from");
    }
    if (b.getModel().getTensorOperator().containsOptions(FILE_OPTION)) {
      throw new ConfigException(
          source,
          "operator.options",
          "'" + FILE_OPTION + "' is set by" + " g_cache_from; give one of them");
    }
    String shape = shape(b.getModel());
    String fromShape = shape(from.config().getModel());
    if (!shape.equals(fromShape)) {
      throw new ConfigException(
          source,
          "g_cache_from",
          "'"
              + from.name()
              + "' has "
              + fromShape
              + ", this variant "
              + shape
              + ": a G-cache fits only its model's shape");
    }
    return Optional.of(
        new PlannedVariant.GCacheSource(
            from.name(), v.getGCachePrompt(), dir.resolve(GCACHE_FILE)));
  }

  private static String shape(ModelConfig m) {
    return m.getNumLayers() + " layers × " + m.getNumHeads() + " heads × d_model " + m.getDModel();
  }

  /**
   * The operator as the table shows it: its name and options ({@code random (seed=3)}); a file by
   * its name only, a transferred G-cache by its source variant.
   */
  static String label(TensorOperatorSpec op, Optional<PlannedVariant.GCacheSource> gCache) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(op.getOptionsMap())
        .forEach(
            (key, value) -> {
              if (!key.equals(FILE_OPTION)) {
                parts.add(key + "=" + value);
              } else if (gCache.isEmpty()) {
                parts.add(key + "=" + Path.of(value).getFileName());
              }
            });
    gCache.ifPresent(g -> parts.add("G-cache of " + g.variant()));
    return parts.isEmpty() ? op.getName() : op.getName() + " (" + String.join(", ", parts) + ")";
  }
}
