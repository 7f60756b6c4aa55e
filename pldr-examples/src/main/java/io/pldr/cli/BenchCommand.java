package io.pldr.cli;

import picocli.CommandLine.Command;

/** Benchmarks: {@code pldr bench train}, {@code decode}, {@code import}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure speed and memory (see docs/benchmarks.md): train, decode, import.",
    subcommands = {
      TrainBenchCommand.class,
      DecodeBenchCommand.class,
      ImportBenchCommand.class,
      ServeBenchCommand.class
    })
final class BenchCommand {}
