package io.pldr.train.ablation;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A read and validated ablation file: where it came from, the folder it writes, and its variants in
 * order, each with its complete training configuration.
 */
public record Ablation(Path file, Path outDir, List<PlannedVariant> variants) {
  /** The table in Markdown, in {@code out_dir}. */
  public static final String MARKDOWN_FILE = "table.md";

  /** The table as CSV, in {@code out_dir}. */
  public static final String CSV_FILE = "table.csv";

  /** The loss curves of every variant, in {@code out_dir}. */
  public static final String PLOT_FILE = "losses.png";

  public Ablation {
    variants = List.copyOf(variants);
  }

  /** The variant called {@code name}, if any. */
  public Optional<PlannedVariant> variant(String name) {
    return variants.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The variants' names, in order. */
  public List<String> names() {
    return variants.stream().map(PlannedVariant::name).toList();
  }
}
