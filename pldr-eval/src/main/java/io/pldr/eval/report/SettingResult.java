package io.pldr.eval.report;

import java.util.List;

/**
 * Every task's result in one setting ({@code g_cache}, {@code no_cache}) and the average of the
 * tasks' table metrics in percent (perplexity left out), as the paper's tables average.
 */
public record SettingResult(
    String setting, String description, List<TaskResult> tasks, double average) {
  public SettingResult {
    tasks = List.copyOf(tasks);
  }

  /** The result with its average computed. */
  public static SettingResult of(String setting, String description, List<TaskResult> tasks) {
    double sum = 0;
    int n = 0;
    for (TaskResult t : tasks) {
      if (!t.primaryMetric().equals("perplexity")) {
        sum += 100 * t.metrics().get(t.primaryMetric()).value();
        n++;
      }
    }
    return new SettingResult(setting, description, tasks, n == 0 ? Double.NaN : sum / n);
  }
}
