package io.pldr.cli;

import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * A command's description in its {@code --help}, as paragraphs wrapped once, at spaces, to the
 * usage width: each element of {@code @Command(description = ...)} is a paragraph (an empty one is
 * a blank line), and a paragraph's leading spaces indent each of its lines. Picocli's own wrapping
 * also breaks lines inside words, after '.', ',' or before '{' ({@code loss.}/{@code png}), which
 * descriptions full of file and field names cannot afford.
 */
final class ParagraphDescription implements CommandLine.IHelpSectionRenderer {
  /** Renders every command's description of {@code cli}'s tree as paragraphs. */
  static void install(CommandLine cli) {
    PldrCli.forEachCommand(
        cli,
        c ->
            c.getHelpSectionMap()
                .put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, new ParagraphDescription()));
  }

  @Override
  public String render(CommandLine.Help help) {
    UsageMessageSpec usage = help.commandSpec().usageMessage();
    StringBuilder out = new StringBuilder();
    for (String paragraph : usage.description()) {
      // %n starts a new line, as in picocli's own rendering (its help command uses it)
      for (String line : String.format(Locale.ROOT, paragraph).split("\\R", -1)) {
        wrap(line, usage.width(), out);
      }
    }
    return out.toString();
  }

  /** Appends {@code paragraph} wrapped at spaces into lines of at most {@code width} characters. */
  static void wrap(String paragraph, int width, StringBuilder out) {
    String text = paragraph.stripLeading();
    String indent = paragraph.substring(0, paragraph.length() - text.length());
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.strip().split(" +", -1)) {
      if (word.isEmpty()) {
        continue;
      }
      boolean empty = line.length() == indent.length();
      if (!empty && line.length() + 1 + word.length() > width) {
        out.append(line).append(System.lineSeparator());
        line.setLength(0);
        line.append(indent);
        empty = true;
      }
      line.append(empty ? "" : " ").append(word);
    }
    out.append(line).append(System.lineSeparator());
  }
}
