package io.pldr.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An evaluation: its header, each setting's results, and, with two settings or more, how the first
 * differs from the second per task; the malformed lines left out.
 */
public record EvalReport(
    Header header,
    List<SettingResult> settings,
    List<Comparison> comparisons,
    List<SkippedLine> skipped) {
  public EvalReport {
    settings = List.copyOf(settings);
    comparisons = List.copyOf(comparisons);
    skipped = List.copyOf(skipped);
  }

  /** A report whose comparisons (first setting against second) are computed. */
  public static EvalReport of(
      Header header, List<SettingResult> settings, List<SkippedLine> skipped) {
    List<Comparison> comparisons = new ArrayList<>();
    if (settings.size() >= 2) {
      List<TaskResult> a = settings.get(0).tasks();
      List<TaskResult> b = settings.get(1).tasks();
      for (int i = 0; i < a.size(); i++) {
        comparisons.add(Comparison.of(a.get(i), b.get(i)));
      }
    }
    return new EvalReport(header, settings, comparisons, skipped);
  }
}
