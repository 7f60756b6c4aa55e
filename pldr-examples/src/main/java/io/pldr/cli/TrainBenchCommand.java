package io.pldr.cli;

import io.pldr.api.config.MachineMemory;
import io.pldr.api.config.SizeChecks;
import io.pldr.api.config.TrainPrecision;
import io.pldr.api.model.ModelSpec;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.runtime.NativeLibrary;
import io.pldr.train.bench.DataParallelBenchmark;
import io.pldr.train.bench.TrainBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Training throughput of a model shape on random weights and tokens. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Measure training tokens/s, peak memory and achieved FLOP/s.",
      "",
      "Small configuration (the default):",
      "  --layers=4 --heads=4 --depth=32 --a-dff=32 --res-units=2 --dense=2 --vocab=4096"
          + " --batch=8 --seq=128",
      "Paper configuration:",
      "  --layers=5 --heads=14 --depth=64 --dff=2389 --a-dff=170 --res-units=8 --dense=2"
          + " --vocab=32000 --batch=2 --seq=256",
      "",
      "Prints 'load: N s' (the seconds from the JVM's start until the model is loaded) before"
          + " the first step."
    })
final class TrainBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelShapeOptions shape;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "8",
      description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--seq",
      paramLabel = "N",
      defaultValue = "128",
      description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "3",
      description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "10",
      description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Data-parallel workers, each a TensorFlow server in this process on a loopback port"
              + " with batch × seq tokens per step (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--precision",
      paramLabel = "P",
      defaultValue = "float32",
      description =
          "float32, or bf16_mixed: matrix products in bfloat16, weights and AdamW state in"
              + " float32 (default: ${DEFAULT-VALUE}).")
  String precision;

  /** The precision named by {@code --precision}; an unknown name lists the accepted ones. */
  static TrainPrecision precision(String name) {
    return switch (name) {
      case "float32" -> TrainPrecision.MODEL_DTYPE;
      case "bf16_mixed" -> TrainPrecision.BF16_MIXED;
      default ->
          throw new IllegalArgumentException(
              "--precision must be float32 or bf16_mixed, found '" + name + "'");
    };
  }

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--workers", workers, 1);
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.atLeast("--seq", seq, 1);
    OptionChecks.atLeast("--warmup", warmup, 0);
    OptionChecks.atLeast("--steps", steps, 1);
    TrainPrecision products = precision(precision);
    NativeLibrary.loadInBackground(); // while the injector is built
    ModelSpec model = PldrInjectors.spec(shape.config(seq));
    SizeChecks.checkTraining(
        model.config(), batch, seq, 1, "command line", "", MachineMemory.current());
    var out = spec.commandLine().getOut();
    out.println("model: " + shape.describe());
    out.printf(
        "batch %d × %d tokens, %d warm-up + %d timed steps, %s, AdamW%n",
        batch,
        seq,
        warmup,
        steps,
        products == TrainPrecision.BF16_MIXED
            ? "bfloat16 mixed precision (float32 weights)"
            : "float32");
    out.flush();
    if (workers > 1) {
      DataParallelBenchmark.Measurement d =
          DataParallelBenchmark.run(model, workers, batch, seq, warmup, steps, 1, products);
      out.printf(
          "workers: %d in this process on loopback ports, sharing its %d cores%n",
          workers, Runtime.getRuntime().availableProcessors());
      out.printf("parameters: %,d%n", d.parameters());
      out.printf("step time: %.1f ms%n", d.secondsPerStep() * 1e3);
      out.printf(
          "all-reduce of every gradient alone: %.1f ms (%.0f%% of a step; %.2f MB sent and"
              + " received per worker)%n",
          d.exchangeSeconds() * 1e3, 100 * d.exchangeShare(), d.bytesPerStep() / 1e6);
      out.printf("tokens/s per worker: %.0f%n", d.tokensPerSecondPerWorker());
      out.printf("tokens/s: %.0f%n", d.tokensPerSecond());
      out.flush();
      return 0;
    }
    TrainBenchmark.Measurement m =
        TrainBenchmark.run(
            model,
            batch,
            seq,
            warmup,
            steps,
            1,
            products,
            () -> {
              out.println(LoadTime.line());
              out.flush();
            });
    out.printf("parameters: %,d%n", m.parameters());
    out.printf("step time: %.1f ms%n", m.secondsPerStep() * 1e3);
    out.printf("FLOPs per step (matrix products, forward + backward): %.3g%n", m.flopsPerStep());
    out.printf(
        "achieved: %.1f GFLOP/s = %.0f%% of the 1024² matmul roof (%.1f GFLOP/s)"
            + " and %.0f%% of the CPU's estimated peak (%.1f GFLOP/s: %d cores × %.2f GHz × %d)%n",
        m.achievedFlops() / 1e9,
        100 * m.achievedFlops() / m.matmulFlops(),
        m.matmulFlops() / 1e9,
        100 * m.achievedFlops() / m.peak().flops(),
        m.peak().flops() / 1e9,
        m.peak().cores(),
        m.peak().ghz(),
        m.peak().flopsPerCycle());
    if (products == TrainPrecision.BF16_MIXED) {
      out.printf(
          "bfloat16 1024² matmul chain: %.1f GFLOP/s (float32: %.1f GFLOP/s)%n",
          TrainBenchmark.bf16MatmulFlops() / 1e9, m.matmulFlops() / 1e9);
    }
    out.printf("forward pass alone (validation): %.0f tokens/s%n", m.forwardTokensPerSecond());
    out.printf("peak resident memory: %.0f MiB%n", m.peakMemoryBytes() / 1048576.0);
    out.printf("tokens/s: %.0f%n", m.tokensPerSecond());
    out.flush();
    return 0;
  }
}
