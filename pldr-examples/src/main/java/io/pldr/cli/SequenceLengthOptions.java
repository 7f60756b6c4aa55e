package io.pldr.cli;

import picocli.CommandLine.Option;

/** A decoding benchmark's sequence: prompt tokens and new tokens. */
final class SequenceLengthOptions {
  @Option(
      names = "--prompt",
      paramLabel = "N",
      defaultValue = "128",
      description = "Prompt tokens (default: ${DEFAULT-VALUE}).")
  int prompt;

  @Option(
      names = "--new-tokens",
      paramLabel = "N",
      defaultValue = "64",
      description = "New tokens per sequence (default: ${DEFAULT-VALUE}).")
  int newTokens;

  /** Fails naming the option unless both lengths are at least 1. */
  void check() {
    OptionChecks.atLeast("--prompt", prompt, 1);
    OptionChecks.atLeast("--new-tokens", newTokens, 1);
  }
}
