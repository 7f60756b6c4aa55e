package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} as a reader sees it: wrapped once, at spaces, with no word split
 * across lines, and every command summed up in a whole sentence.
 */
class UsageHelpTest {
  /** A line ending in a hyphenated word's first half: "(teacher-" before "forced". */
  private static final Pattern HYPHEN_BREAK = Pattern.compile(".*\\p{L}-$");

  /** Every command's full name ("pldr bench decode") and its command line, the tool's own. */
  private static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new LinkedHashMap<>();
    PldrCli.forEachCommand(
        PldrCli.commandLine(), c -> all.put(c.getCommandSpec().qualifiedName(), c));
    return all;
  }

  private static String usage(CommandLine c, int width) {
    c.setUsageHelpWidth(width);
    StringWriter out = new StringWriter();
    c.usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
    return out.toString();
  }

  /**
   * The places where {@code wrapped} breaks a line inside a word: the last word of a line and the
   * first of the next stand together, without a space, in the unwrapped help ("loss." + "png").
   */
  static List<String> splitWords(String wrapped, String unwrapped) {
    List<String> found = new ArrayList<>();
    List<String> lines = wrapped.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      String end = lines.get(i).stripTrailing();
      String next = lines.get(i + 1).strip();
      if (end.isEmpty() || next.isEmpty()) {
        continue;
      }
      String last = end.substring(end.lastIndexOf(' ') + 1);
      String first = next.split(" ", 2)[0];
      boolean joined = unwrapped.contains(last + first) && !unwrapped.contains(last + " " + first);
      boolean hyphenated =
          HYPHEN_BREAK.matcher(end).matches() && Character.isLowerCase(first.charAt(0));
      if (joined || hyphenated) {
        found.add("'" + last + "' | '" + first + "' (line " + (i + 1) + ")");
      }
    }
    return found;
  }

  @Test
  void theCheckFindsWordsSplitAcrossLines() {
    String unwrapped = "Writes metrics.jsonl and loss.png into out_dir (teacher-\nforced).\n";
    assertThat(splitWords("Writes metrics.jsonl and loss.\npng into out_dir\n", unwrapped))
        .containsExactly("'loss.' | 'png' (line 1)");
    assertThat(
            splitWords(
                "Writes metrics.jsonl and\nloss.png into out_dir (teacher-\nforced)", unwrapped))
        .containsExactly("'(teacher-' | 'forced)' (line 2)");
    assertThat(splitWords("Writes metrics.jsonl and\nloss.png into out_dir\n", unwrapped))
        .isEmpty();
  }

  @Test
  void noCommandsHelpSplitsAWordAcrossLines() {
    Map<String, CommandLine> commands = commands();
    assertThat(commands)
        .containsKeys(
            "pldr", "pldr train", "pldr generate", "pldr bench train", "pldr bench decode");
    for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
      String unwrapped = usage(e.getValue(), 10_000);
      String wrapped = usage(e.getValue(), 80);
      assertThat(splitWords(wrapped, unwrapped))
          .as("%s --help:%n%s", e.getKey(), wrapped)
          .isEmpty();
      assertThat(wrapped.lines())
          .as("%s --help", e.getKey())
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
  }

  @Test
  void everyCommandIsSummedUpInASentence() {
    for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
      // The command list shows the header's first line, else the description's.
      var usage = e.getValue().getCommandSpec().usageMessage();
      String[] summary = usage.header().length > 0 ? usage.header() : usage.description();
      assertThat(summary).as(e.getKey()).isNotEmpty();
      assertThat(summary[0])
          .as("summary of %s", e.getKey())
          .matches("[A-Z].*\\.")
          .doesNotContain("\n");
    }
  }

  @Test
  void helpAsTheToolPrintsIt() {
    CliRun r = CliRun.of("--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(usage(PldrCli.commandLine(), 80));
    CliRun bench = CliRun.of("bench", "decode", "--help");
    assertThat(bench.out())
        .isEqualTo(usage(commands().get("pldr bench decode"), 80))
        .contains("Small configuration (the default):");
    // An indented paragraph keeps its indent on the lines it wraps onto.
    assertThat(CliRun.of("bench", "train", "--help").out())
        .contains(
            String.format(
                "Small configuration (the default):%n"
                    + "  --layers=4 --heads=4 --depth=32 --a-dff=32 --res-units=2 --dense=2%n"
                    + "  --vocab=4096 --batch=8 --seq=128%n"));
    assertThat(CliRun.of("help", "train").out()).isEqualTo(CliRun.of("train", "--help").out());
  }
}
