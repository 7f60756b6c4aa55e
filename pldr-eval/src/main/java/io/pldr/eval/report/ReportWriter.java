package io.pldr.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pldr.tf.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An {@link EvalReport} as JSON and as the paper's Markdown table: one row per setting and one for
 * the difference of the first two, one column per task (its table metric, in percent) and the
 * average.
 */
public final class ReportWriter {
  /** The JSON file {@link #write} makes. */
  public static final String JSON_FILE = "eval.json";

  /** The Markdown file {@link #write} makes. */
  public static final String MARKDOWN_FILE = "eval.md";

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The report as indented JSON. */
  public byte[] json(EvalReport report) {
    try {
      return json.writeValueAsBytes(report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The report as Markdown: the scores table, then the log-likelihood comparison. */
  public String markdown(EvalReport report) {
    List<TaskResult> first = report.settings().get(0).tasks();
    String model = report.header().model();
    StringBuilder b = new StringBuilder();
    b.append("| Model | Setting |");
    first.forEach(t -> b.append(' ').append(t.title()).append(" |"));
    b.append(" Avg. |");
    List<TaskResult> withPerplexity =
        first.stream().filter(t -> t.metrics().containsKey("perplexity")).toList();
    withPerplexity.forEach(t -> b.append(' ').append(t.title()).append(" ppl |"));
    b.append("\n|---|---|")
        .append("---:|".repeat(first.size() + 1 + withPerplexity.size()))
        .append('\n');
    for (SettingResult s : report.settings()) {
      b.append("| ").append(model).append(" | ").append(s.description()).append(" |");
      for (TaskResult t : s.tasks()) {
        b.append(' ').append(percent(t.metrics().get(t.primaryMetric()).value())).append(" |");
      }
      b.append(' ').append(fixed(s.average())).append(" |");
      for (TaskResult t : s.tasks()) {
        if (t.metrics().containsKey("perplexity")) {
          b.append(' ').append(fixed(t.metrics().get("perplexity").value())).append(" |");
        }
      }
      b.append('\n');
    }
    if (!report.comparisons().isEmpty()) {
      // with more than two settings, say which two the difference is between
      String label =
          report.settings().size() == 2
              ? "difference"
              : "difference ("
                  + report.settings().get(0).description()
                  + " − "
                  + report.settings().get(1).description()
                  + ")";
      b.append("| ").append(model).append(" | ").append(label).append(" |");
      for (Comparison c : report.comparisons()) {
        TaskResult t =
            first.stream().filter(r -> r.task().equals(c.task())).findFirst().orElseThrow();
        b.append(' ').append(signed(100 * c.difference().get(t.primaryMetric()))).append(" |");
      }
      b.append(' ')
          .append(signed(report.settings().get(0).average() - report.settings().get(1).average()))
          .append(" |");
      for (Comparison c : report.comparisons()) {
        if (c.difference().containsKey("perplexity")) {
          b.append(' ').append(signed(c.difference().get("perplexity"))).append(" |");
        }
      }
      b.append('\n');
    }
    b.append('\n').append(legend(first, !withPerplexity.isEmpty(), report.header().harness()));
    if (!report.comparisons().isEmpty()) {
      b.append('\n').append(comparison(report, first));
    }
    return b.toString();
  }

  /** Writes {@link #JSON_FILE} and {@link #MARKDOWN_FILE} into {@code dir}, each atomically. */
  public List<Path> write(EvalReport report, Path dir) throws IOException {
    Path j = dir.resolve(JSON_FILE);
    Path m = dir.resolve(MARKDOWN_FILE);
    byte[] jsonBytes = json(report);
    byte[] markdownBytes = markdown(report).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(j, ch -> ch.write(ByteBuffer.wrap(jsonBytes)));
    AtomicFiles.write(m, ch -> ch.write(ByteBuffer.wrap(markdownBytes)));
    return List.of(j, m);
  }

  private static String legend(List<TaskResult> tasks, boolean perplexity, String harness) {
    List<String> norm = new ArrayList<>();
    List<String> acc = new ArrayList<>();
    for (TaskResult t : tasks) {
      (t.primaryMetric().equals("acc_norm") ? norm : acc).add(t.title());
    }
    StringBuilder b =
        new StringBuilder("Zero-shot scores in %, ").append(harness).append(" task definitions: ");
    if (!norm.isEmpty()) {
      b.append("acc_norm for ").append(String.join(", ", norm)).append(acc.isEmpty() ? "" : "; ");
    }
    if (!acc.isEmpty()) {
      b.append("acc for ").append(String.join(", ", acc));
    }
    b.append(". Avg. is the mean of the task columns");
    if (perplexity) {
      b.append("; ppl columns are perplexities, not averaged");
    }
    b.append(". Documents per task: ");
    List<String> counts = new ArrayList<>();
    tasks.forEach(t -> counts.add(t.title() + " " + t.docs()));
    return b.append(String.join(", ", counts)).append(".\n").toString();
  }

  private static String comparison(EvalReport report, List<TaskResult> tasks) {
    StringBuilder b =
        new StringBuilder("| Log-likelihood, ")
            .append(report.settings().get(0).description())
            .append(" against ")
            .append(report.settings().get(1).description())
            .append(" |");
    tasks.forEach(t -> b.append(' ').append(t.title()).append(" |"));
    b.append("\n|---|").append("---:|".repeat(tasks.size())).append("\n| RMSE |");
    report
        .comparisons()
        .forEach(c -> b.append(' ').append(scientific(c.loglikelihoodRmse())).append(" |"));
    b.append("\n| max abs difference |");
    report
        .comparisons()
        .forEach(c -> b.append(' ').append(scientific(c.loglikelihoodMaxAbs())).append(" |"));
    return b.append('\n').toString();
  }

  private static String percent(double share) {
    return fixed(100 * share);
  }

  private static String fixed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
  }

  private static String signed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", v) : "n/a";
  }

  private static String scientific(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2e", v) : "n/a";
  }
}
