package io.pldr.cli;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.model.ModelSpec;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeBenchmark;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.runtime.NativeLibrary;
import io.pldr.tf.runtime.SessionConfigs;
import java.util.concurrent.Callable;
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
          + " decoding; the last line is 'tokens/s: N'."
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
          "Intra-op threads (default: all cores, or"
              + " PLDR_THREADS). Small models decode fastest on 1.")
  Integer threads;

  @Override
  public Integer call() {
    lengths.check();
    OptionChecks.atLeast("--warmup", warmup, 0);
    OptionChecks.atLeast("--rounds", rounds, 1);
    if (threads != null) {
      OptionChecks.atLeast("--threads", threads, 1);
    }
    if (threads != null) {
      // TensorFlow sizes its intra-op pool with the process's first session, which is ours
      System.setProperty(SessionConfigs.THREADS_PROPERTY, threads.toString());
    }
    NativeLibrary.loadInBackground(); // while the injector is built
    CacheMode m = CacheMode.fromId(mode);
    ModelSpec model = PldrInjectors.spec(shape.config(lengths.prompt + lengths.newTokens));
    var out = spec.commandLine().getOut();
    out.println("model: " + shape.describe());
    out.printf(
        "prompt %d tokens, %d new tokens, greedy, mode %s, float32, median of %d,"
            + " %d intra-op threads%n",
        lengths.prompt, lengths.newTokens, m.id(), rounds, SessionConfigs.intraOpThreads());
    out.flush();
    try (CachedDecoder decoder = new CachedDecoder(model)) {
      decoder.load(decoder.initialValues(1));
      out.println(LoadTime.line());
      out.flush();
      DecodeBenchmark.Measurement r =
          DecodeBenchmark.run(decoder, m, lengths.prompt, lengths.newTokens, warmup, rounds, 1);
      out.printf("prompt pass: %.1f ms%n", r.prefillSeconds() * 1e3);
      out.printf("per new token: %.2f ms%n", r.msPerToken());
      out.printf("CPU of the decoding thread per new token: %.3f ms%n", r.cpuMsPerToken());
      out.printf("tokens/s: %.1f%n", r.tokensPerSecond());
    }
    out.flush();
    return 0;
  }
}
