package io.pldr.cli;

import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.text.Tokenizers;
import io.pldr.tf.checkpoint.ModelFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the token ids of text, one line of ids per input line. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Print the token ids of a checkpoint's tokenizer for each line of text, separated by"
          + " spaces, as spm_encode --output_format=id prints them.",
      "",
      "No beginning- or end-of-text id is added; compare with another implementation line by"
          + " line."
    })
final class TokenizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @ArgGroup(multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--text", paramLabel = "TEXT", description = "The text (each line apart).")
    String text;

    @Option(names = "--file", paramLabel = "FILE", description = "A UTF-8 text file.")
    Path file;
  }

  @Override
  public Integer call() throws Exception {
    List<String> lines;
    if (input.file != null) {
      try {
        lines = StrictText.readAllLines(input.file);
      } catch (IOException e) {
        throw IoErrors.wrapped("read the text file (--file)", input.file, e);
      }
    } else {
      lines = OptionChecks.decodedText("--text", input.text, "--file").lines().toList();
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Tokenizer tokenizer =
        Tokenizers.load(ModelFolder.open(checkpoint.dir()).tokenizerFile())) {
      for (String line : lines) {
        out.println(
            IntStream.of(tokenizer.encode(line))
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(" ")));
      }
    }
    out.flush();
    return 0;
  }
}
