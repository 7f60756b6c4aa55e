package io.pldr.train.ablation;

import io.pldr.tf.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * An ablation's results as the paper's ablation tables show them, one row per variant: operator,
 * parameters, steps, final training loss, validation loss, accuracy and perplexity, training
 * tokens/s. Markdown rounds for reading; CSV keeps every digit (Java's shortest exact
 * representation), so its numbers are the runs' own. Missing values are {@code NaN} in CSV, {@code
 * –} in Markdown.
 */
public final class AblationTable {
  private static final List<String> HEADER =
      List.of(
          "variant",
          "operator",
          "parameters",
          "steps",
          "train loss",
          "validation loss",
          "accuracy",
          "perplexity",
          "tokens/s");
  private static final List<String> CSV_HEADER =
      List.of(
          "variant",
          "operator",
          "parameters",
          "steps",
          "train_loss",
          "validation_loss",
          "validation_accuracy",
          "validation_perplexity",
          "tokens_per_second");

  private AblationTable() {}

  /** The table in Markdown (GitHub's pipe tables), numbers right-aligned. */
  public static String markdown(List<VariantResult> rows) {
    StringBuilder b = new StringBuilder();
    b.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    b.append("|---|---|").append("---:|".repeat(HEADER.size() - 2)).append('\n');
    for (VariantResult r : rows) {
      b.append("| ")
          .append(
              String.join(
                  " | ",
                  escapeMarkdown(r.name()),
                  escapeMarkdown(r.operator()),
                  String.format(Locale.ROOT, "%,d", r.parameters()),
                  Long.toString(r.steps()),
                  fixed(r.trainLoss(), 4),
                  fixed(r.validationLoss(), 4),
                  fixed(r.validationAccuracy(), 4),
                  fixed(r.validationPerplexity(), 2),
                  fixed(r.tokensPerSecond(), 0)))
          .append(" |\n");
    }
    return b.toString();
  }

  /** The table as CSV (RFC 4180): a header line, then one line per variant. */
  public static String csv(List<VariantResult> rows) {
    StringBuilder b = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
    for (VariantResult r : rows) {
      b.append(
              String.join(
                  ",",
                  quoteCsv(r.name()),
                  quoteCsv(r.operator()),
                  Long.toString(r.parameters()),
                  Long.toString(r.steps()),
                  Double.toString(r.trainLoss()),
                  Double.toString(r.validationLoss()),
                  Double.toString(r.validationAccuracy()),
                  Double.toString(r.validationPerplexity()),
                  Double.toString(r.tokensPerSecond())))
          .append('\n');
    }
    return b.toString();
  }

  /** Writes {@code text} to {@code file} in UTF-8, atomically. */
  public static void write(Path file, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(
        file,
        out -> {
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
        });
  }

  private static String fixed(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,." + decimals + "f", v) : "–";
  }

  private static String escapeMarkdown(String s) {
    return s.replace("|", "\\|");
  }

  private static String quoteCsv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }
}
