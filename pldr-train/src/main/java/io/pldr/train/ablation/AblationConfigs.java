package io.pldr.train.ablation;

import com.google.protobuf.TextFormat;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import io.pldr.train.config.AblationConfig;
import io.pldr.train.config.AblationVariant;
import io.pldr.train.config.ConfigOverrides;
import io.pldr.train.config.TrainConfigs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads an ablation file ({@link AblationConfig}, text format) and resolves every variant's
 * training configuration before anything trains: the base configuration, the ablation's overrides,
 * then each variant's operator, seed and overrides ({@link VariantConfigs}), each validated by
 * {@link TrainConfigs}. Errors are {@link ConfigException}s naming the file and the field: an
 * unknown field, a missing base configuration, an empty or repeated variant name, an unknown
 * override field, a bad or negative value.
 */
public final class AblationConfigs {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private AblationConfigs() {}

  /** Reads and resolves an ablation file. */
  public static Ablation read(Path file) {
    return read(file, b -> {});
  }

  /**
   * Reads an ablation file, applies {@code changes} (command-line options, say: another {@code
   * out_dir}, more overrides), then resolves it.
   */
  public static Ablation read(Path file, Consumer<AblationConfig.Builder> changes) {
    String source = file.toString();
    AblationConfig.Builder b = AblationConfig.newBuilder();
    try {
      TextFormat.getParser().merge(readText(file, source, ""), b);
    } catch (TextFormat.ParseException e) {
      throw new ConfigException(
          source, "not a valid AblationConfig: " + e.getMessage().replaceAll("\\s*\n\\s*", " "), e);
    }
    changes.accept(b);
    return resolve(b.build(), file);
  }

  private static Ablation resolve(AblationConfig c, Path file) {
    String source = file.toString();
    if (c.getBaseConfig().isEmpty()) {
      throw new ConfigException(
          source,
          "base_config",
          "missing: the TrainConfig file every" + " variant starts from (relative to this file)");
    }
    if (c.getOutDir().isEmpty()) {
      throw new ConfigException(
          source, "out_dir", "missing: the folder of the variants' runs" + " and the tables");
    }
    if (c.getVariantsCount() == 0) {
      throw new ConfigException(source, "variants", "missing: at least one variant");
    }
    Path baseFile = file.toAbsolutePath().getParent().resolve(c.getBaseConfig()).normalize();
    TrainConfig.Builder base =
        TrainConfigs.builder(readText(baseFile, source, "base_config"), baseFile.toString());
    for (int i = 0; i < c.getOverridesCount(); i++) {
      ConfigOverrides.apply(base, c.getOverrides(i), source, "overrides[" + i + "]");
    }
    Path outDir = Path.of(c.getOutDir());
    VariantConfigs variants = new VariantConfigs(base.build(), outDir, source);
    Map<String, PlannedVariant> planned = new LinkedHashMap<>();
    for (int i = 0; i < c.getVariantsCount(); i++) {
      AblationVariant v = c.getVariants(i);
      String field = "variants[" + i + "].name";
      if (!NAME.matcher(v.getName()).matches()) {
        throw new ConfigException(
            source,
            field,
            (v.getName().isEmpty() ? "missing" : "'" + v.getName() + "' is not a folder name")
                + ": a variant's name is letters,"
                + " digits, '.', '_' and '-', starting with a letter or digit");
      }
      if (planned.containsKey(v.getName())) {
        throw new ConfigException(
            source,
            field,
            "'" + v.getName() + "' names two variants;" + " each variant needs its own name");
      }
      planned.put(v.getName(), variants.plan(v, planned));
    }
    return new Ablation(file, outDir, new ArrayList<>(planned.values()));
  }

  private static String readText(Path file, String source, String field) {
    try {
      return StrictText.readString(file);
    } catch (IOException e) {
      String why = "cannot read " + file + ": " + IoErrors.reason(e);
      throw field.isEmpty()
          ? new ConfigException(source, why, e)
          : new ConfigException(source, field, why);
    }
  }
}
