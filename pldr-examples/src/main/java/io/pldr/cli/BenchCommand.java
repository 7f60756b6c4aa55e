package io.pldr.cli;

import picocli.CommandLine.Command;

/** Benchmarks: {@code pldr bench train}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure speed and memory (see docs/benchmarks.md): train, decode.",
    subcommands = {TrainBenchCommand.class, DecodeBenchCommand.class})
final class BenchCommand {}
