package io.pldr.train.ablation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ablation table in Markdown (rounded) and CSV (every digit). */
class AblationTableTest {
  private static final List<VariantResult> ROWS =
      List.of(
          new VariantResult(
              "learned", "learned", 1_234_567, 600, 3.456789, 3.7654321, 0.2281234, 43.2167,
              5321.7),
          new VariantResult(
              "random",
              "random (seed=3, stddev=0.5)",
              1_000_000,
              600,
              4.1,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              6000.0));

  @Test
  void markdownRoundsAndMarksMissingValues() {
    assertThat(AblationTable.markdown(ROWS))
        .isEqualTo(
            """
        | variant | operator | parameters | steps | train loss | validation loss | accuracy | perplexity | tokens/s |
        |---|---|---:|---:|---:|---:|---:|---:|---:|
        | learned | learned | 1,234,567 | 600 | 3.4568 | 3.7654 | 0.2281 | 43.22 | 5,322 |
        | random | random (seed=3, stddev=0.5) | 1,000,000 | 600 | 4.1000 | – | – | – | 6,000 |
        """);
  }

  @Test
  void csvKeepsEveryDigitAndQuotesCommas() {
    assertThat(AblationTable.csv(ROWS))
        .isEqualTo(
            """
        variant,operator,parameters,steps,train_loss,validation_loss,validation_accuracy,validation_perplexity,tokens_per_second
        learned,learned,1234567,600,3.456789,3.7654321,0.2281234,43.2167,5321.7
        random,"random (seed=3, stddev=0.5)",1000000,600,4.1,NaN,NaN,NaN,6000.0
        """);
  }

  @Test
  void writesTheWholeFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("sub/table.md");
    AblationTable.write(f, "| a |\n");
    AblationTable.write(f, "| b |\n");
    assertThat(f).hasContent("| b |");
    try (var files = Files.list(f.getParent())) {
      assertThat(files).containsExactly(f); // no temporary file left behind
    }
  }
}
