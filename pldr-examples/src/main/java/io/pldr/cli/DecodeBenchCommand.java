package io.pldr.cli;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.WeightFormat;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeBenchmark;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.runtime.NativeLibrary;
import io.pldr.tf.runtime.ProcessMemory;
import io.pldr.tf.runtime.SessionConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Greedy decoding speed of a model shape on random weights, in one cache mode. */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = {
      "Measure greedy decoding tokens/s (random weights) in a cache mode.",
      "",
      "Small configuration (the default):",
      "  --layers=4 --heads=4 --depth=32 --a-dff=32 --res-units=2 --dense=2 --vocab=4096",
      "Paper configuration:",
      "  --layers=5 --heads=14 --depth=64 --dff=2389 --a-dff=170 --res-units=8 --dense=2"
          + " --vocab=32000",
      "",
      "Prints 'load: N s' (the seconds from the JVM's start until the model is loaded) before"
          + " decoding, then the prompt pass, the time to the first token, the time per new"
          + " token and the resident memory; the last line is 'tokens/s: N'.",
      "",
      "--weights takes a comma-separated list (float32,bfloat16,int8) to measure the formats side"
          + " by side: their rounds interleave, and a table gives each one's figures, its"
          + " speed-up over the first."
    })
final class DecodeBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelShapeOptions shape;

  @Mixin SequenceLengthOptions lengths;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "kv_g",
      description = "kv_g, kv, g or none (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "15",
      description = "Untimed generations first, to warm up the JIT (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "10",
      description = "Timed generations; the median is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Intra-op threads (default: PLDR_THREADS, else chosen by the model's size: 1 for"
              + " matrices under 128 MiB, else every core).")
  Integer threads;

  @Mixin WeightsOption weights;

  @Override
  public Integer call() {
    lengths.check();
    OptionChecks.atLeast("--warmup", warmup, 0);
    OptionChecks.atLeast("--rounds", rounds, 1);
    if (threads != null) {
      OptionChecks.atLeast("--threads", threads, 1);
    }
    if (threads != null) {
      System.setProperty(SessionConfigs.THREADS_PROPERTY, threads.toString());
    }
    NativeLibrary.loadInBackground(); // while the injector is built
    CacheMode m = CacheMode.fromId(mode);
    List<WeightFormat> formats = weights.formats();
    ModelSpec model = PldrInjectors.spec(shape.config(lengths.prompt + lengths.newTokens));
    var out = spec.commandLine().getOut();
    out.println("model: " + shape.describe());
    out.printf(
        "prompt %d tokens, %d new tokens, greedy, mode %s, %s weights, median of %d%n",
        lengths.prompt,
        lengths.newTokens,
        m.id(),
        formats.stream().map(WeightFormat::id).collect(Collectors.joining(", ")),
        rounds);
    out.flush();
    List<CachedDecoder> decoders = new ArrayList<>();
    try {
      Map<String, HostTensor> values = null;
      for (int i = 0; i < formats.size(); i++) {
        CachedDecoder decoder = new CachedDecoder(model, formats.get(i));
        decoders.add(decoder);
        if (values == null) {
          values = decoder.initialValues(1);
        }
        decoder.load(values);
        if (i == formats.size() - 1) {
          values = null;
        }
        // the float32 values live on in TensorFlow's variables (rounded, in reduced formats); the
        // heap that held them is given back before memory is measured
        System.gc();
      }
      out.println(LoadTime.line());
      out.println(
          threadsLine(
              formats,
              decoders.stream().mapToInt(CachedDecoder::intraOpThreads).toArray(),
              SessionConfigs.explicitThreads().isPresent(),
              SessionConfigs.perSessionThreadPools()));
      out.flush();
      List<DecodeBenchmark.Measurement> results =
          DecodeBenchmark.compare(
              decoders, m, lengths.prompt, lengths.newTokens, warmup, rounds, 1);
      if (formats.size() == 1) {
        report(out, results.get(0));
      } else {
        compare(out, formats, results);
      }
    } finally {
      decoders.forEach(CachedDecoder::close);
    }
    out.flush();
    return 0;
  }

  private void report(java.io.PrintWriter out, DecodeBenchmark.Measurement r) {
    out.printf(
        "prompt pass: %.1f ms (%.0f tokens/s)%n",
        r.prefillSeconds() * 1e3, lengths.prompt / r.prefillSeconds());
    out.printf(
        "time to first token: %.1f ms (%d-token prompt)%n",
        r.firstTokenSeconds() * 1e3, lengths.prompt);
    out.printf("per new token: %.2f ms%n", r.msPerToken());
    out.printf("CPU of the decoding thread per new token: %.3f ms%n", r.cpuMsPerToken());
    out.printf(
        "resident memory: %.0f MiB after decoding, %.0f MiB at peak%n",
        ProcessMemory.residentBytes() / 1048576.0, ProcessMemory.peakBytes() / 1048576.0);
    out.printf("tokens/s: %.1f%n", r.tokensPerSecond());
  }

  /** One line per format, measured in interleaved rounds, and the speed-up over the first. */
  private void compare(
      java.io.PrintWriter out,
      List<WeightFormat> formats,
      List<DecodeBenchmark.Measurement> results) {
    out.printf(
        "%-9s %12s %10s %10s %9s %8s%n",
        "weights", "prompt pass", "first tok", "per token", "tokens/s", "speed-up");
    double base = results.get(0).tokensPerSecond();
    for (int i = 0; i < formats.size(); i++) {
      DecodeBenchmark.Measurement r = results.get(i);
      out.printf(
          "%-9s %9.1f ms %7.1f ms %7.2f ms %9.1f %7.2f×%n",
          formats.get(i).id(),
          r.prefillSeconds() * 1e3,
          r.firstTokenSeconds() * 1e3,
          r.msPerToken(),
          r.tokensPerSecond(),
          r.tokensPerSecond() / base);
    }
    out.printf(
        "resident memory: %.0f MiB after decoding (every format's decoder), %.0f MiB at peak;"
            + " measure one format per process for its own%n",
        ProcessMemory.residentBytes() / 1048576.0, ProcessMemory.peakBytes() / 1048576.0);
    out.printf("tokens/s: %.1f%n", results.get(results.size() - 1).tokensPerSecond());
  }

  /**
   * "intra-op threads: N (why)", one count per format when they differ ({@code threads[i]} is what
   * format i's decoder asked for); without a pool per session TensorFlow runs every decoder on the
   * first one's.
   */
  static String threadsLine(
      List<WeightFormat> formats, int[] threads, boolean explicit, boolean perSessionPools) {
    String why =
        explicit
            ? "as set"
            : formats.size() > 1
                ? "the default for each format's size"
                : "the default for this model's size";
    if (java.util.Arrays.stream(threads).distinct().count() == 1) {
      return String.format("intra-op threads: %d (%s)", threads[0], why);
    }
    List<String> each = new ArrayList<>();
    for (int i = 0; i < formats.size(); i++) {
      each.add(formats.get(i).id() + " " + threads[i]);
    }
    if (!perSessionPools) {
      return String.format(
          "intra-op threads: %d for every format (the first session's pool; %s=1 gives each its"
              + " own: %s)",
          threads[0], SessionConfigs.PER_SESSION_POOLS, String.join(", ", each));
    }
    return String.format("intra-op threads: %s (%s)", String.join(", ", each), why);
  }
}
