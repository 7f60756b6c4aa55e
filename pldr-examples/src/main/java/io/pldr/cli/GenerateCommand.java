package io.pldr.cli;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.generate.SamplingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Generates text from a trained checkpoint, streaming tokens as they come. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate text from a pldr checkpoint with KV-cache and G-cache.",
      "",
      "--checkpoint is a checkpoint folder (checkpoints/step-…) or a run's out_dir (its"
          + " newest checkpoint). Tokens are printed as they are produced."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt; repeat for several.")
  List<String> promptTexts = List.of();

  @Option(
      names = "--prompt-file",
      paramLabel = "FILE",
      description =
          "A UTF-8 file whose whole text is one prompt (one final line end dropped); repeat for"
              + " several. Comes after the --prompt ones.")
  List<Path> promptFiles = List.of();

  @Option(
      names = "--batch",
      description =
          "Decode all prompts as one batch, padded on the left"
              + " (printed when done, not streamed).")
  boolean batch;

  @Option(
      names = "--max-new-tokens",
      paramLabel = "N",
      defaultValue = "64",
      description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "0.8",
      description = "0 for greedy (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "0",
      description = "0: off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1.0",
      description = "In (0, 1]; 1: off (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string; repeatable.")
  List<String> stops = List.of();

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "kv_g",
      description = "kv_g, kv, g or none (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--g-cache",
      paramLabel = "FILE",
      description =
          "A G-cache file ('pldr gcache'): then no step, not even the prompt's, runs the deep"
              + " net.")
  Path gCache;

  @Mixin ForeignGCacheOption foreignGCache;

  @Mixin WeightsOption weights;

  @Override
  public Integer call() throws IOException {
    List<String> prompts = prompts();
    OptionChecks.atLeast("--max-new-tokens", maxNewTokens, 1);
    OptionChecks.atLeast("--top-k", topK, 0);
    stops.forEach(s -> OptionChecks.decodedText("--stop", s, null));
    SamplingConfig sampling =
        new SamplingConfig(temperature, topK, topP, seed, maxNewTokens, stops);
    CacheMode m = CacheMode.fromId(mode);
    PretrainedModel.Loader loader = checkpoint.loader().weights(weights.format());
    foreignGCache.apply(loader, gCache);
    var out = spec.commandLine().getOut();
    try (PretrainedModel model = loader.load()) {
      Generator generator = model.generator();
      if (batch) {
        for (Generation g : generator.generate(prompts, sampling, m)) {
          out.println(g.prompt() + g.text());
          out.printf(
              "[%d tokens, stopped: %s]%n",
              g.newTokens(),
              g.stopReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        out.flush();
        return 0;
      }
      for (String prompt : prompts) {
        out.print(prompt);
        out.flush();
        Generation g =
            generator.generate(
                prompt,
                sampling,
                m,
                piece -> {
                  out.print(piece);
                  out.flush();
                });
        out.println();
        out.printf(
            "[%d tokens, stopped: %s]%n",
            g.newTokens(),
            g.stopReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
      }
    }
    out.flush();
    return 0;
  }

  /**
   * The --prompt values, checked for bytes the JVM could not decode, then the --prompt-file texts
   * read as strict UTF-8; at least one prompt.
   */
  private List<String> prompts() throws IOException {
    List<String> all = new ArrayList<>();
    for (String p : promptTexts) {
      all.add(OptionChecks.decodedText("--prompt", p, "--prompt-file"));
    }
    for (Path f : promptFiles) {
      String text;
      try {
        text = StrictText.readString(f);
      } catch (IOException e) {
        throw IoErrors.wrapped("read the prompt file (--prompt-file)", f, e);
      }
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      text =
          text.endsWith("\r\n")
              ? text.substring(0, text.length() - 2)
              : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      all.add(text);
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no prompt: give --prompt TEXT or --prompt-file FILE");
    }
    return all;
  }
}
