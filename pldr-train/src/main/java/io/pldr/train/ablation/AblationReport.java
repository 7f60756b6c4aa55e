package io.pldr.train.ablation;

import io.pldr.train.loop.TrainingSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an ablation run leaves: a row for every finished variant (in the file's order), the
 * summaries of the variants trained by this run (by name; a skipped, finished variant has none),
 * and the files written: the table in Markdown and CSV, and the plot of the loss curves.
 */
public record AblationReport(
    List<VariantResult> results,
    Map<String, TrainingSummary> trained,
    Path markdown,
    Path csv,
    Path plot) {
  public AblationReport {
    results = List.copyOf(results);
    trained = Map.copyOf(trained);
  }
}
