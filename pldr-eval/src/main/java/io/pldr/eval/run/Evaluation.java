package io.pldr.eval.run;

import io.pldr.eval.engine.LoglikelihoodEngine;
import io.pldr.eval.report.EvalReport;
import io.pldr.eval.report.Header;
import io.pldr.eval.report.SettingResult;
import io.pldr.eval.report.SkippedLine;
import io.pldr.eval.report.TaskResult;
import io.pldr.eval.task.BadItemException;
import io.pldr.eval.task.TaskData;
import java.util.ArrayList;
import java.util.List;

/** Every task in every setting (each its own engine), gathered into one {@link EvalReport}. */
public final class Evaluation {
  /** A setting: its name in the JSON, its description in the table, its engine. */
  public record Setting(String name, String description, LoglikelihoodEngine engine) {}

  private final EvalProgress progress;

  public Evaluation(EvalProgress progress) {
    this.progress = progress;
  }

  /** Runs {@code tasks} in each of {@code settings}, in order. */
  public EvalReport run(Header header, List<TaskData> tasks, List<Setting> settings) {
    List<SettingResult> results = new ArrayList<>();
    for (Setting s : settings) {
      Evaluator evaluator = new Evaluator(s.engine(), progress);
      List<TaskResult> taskResults = new ArrayList<>();
      for (TaskData t : tasks) {
        taskResults.add(evaluator.evaluate(t, t.task().name() + ", " + s.name()));
      }
      results.add(SettingResult.of(s.name(), s.description(), taskResults));
    }
    List<SkippedLine> skipped = new ArrayList<>();
    for (TaskData t : tasks) {
      for (BadItemException e : t.skipped()) {
        skipped.add(
            new SkippedLine(e.source().file().toString(), e.source().line(), e.getMessage()));
      }
    }
    return EvalReport.of(header, results, skipped);
  }
}
