package io.pldr.cli;

import com.google.inject.Injector;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.TeacherForcing;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.checkpoint.ReferenceOutputs;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.io.Safetensors;
import io.pldr.train.graph.LossAndGradients;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a reference checkpoint on the tokens of an inputs file and writes what the reference
 * implementation writes, under its names, so the two can be compared tensor by tensor.
 */
@Command(
    name = "reference-run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a reference checkpoint on given tokens and write its outputs.",
      "",
      "Loads config.json and model.safetensors from --checkpoint, runs the model on"
          + " 'input.tokens' of the --io file, and writes to --out (safetensors):"
          + " full.logits, full.decoder_output and full.layer{i}.A_LM / G_LM /"
          + " attention_logits; then train.loss (the masked next-token cross-entropy) and"
          + " grad.<parameter> from one backward pass; then decode.prompt_length and decode.{kv_g,kv,g,none}.logits"
          + " (teacher-forced decoding of row 0 in each cache mode).",
      "",
      "If --io also holds those tensors (a fixture), prints the largest difference to each."
    })
final class ReferenceRunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceRunCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "DIR",
      description = "Folder with the reference's model.safetensors and config.json.")
  Path checkpoint;

  @Option(
      names = "--io",
      required = true,
      paramLabel = "FILE",
      description = "safetensors file with 'input.tokens' (int64 [batch, seq_len]).")
  Path io;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "safetensors file to write.")
  Path out;

  @Option(
      names = "--prompt-length",
      paramLabel = "P",
      description =
          "Prompt length for the decode.* tensors (default: the --io file's"
              + " decode.prompt_length, else half of row 0).")
  Integer promptLength;

  @Option(
      names = "--precision",
      defaultValue = "float32",
      paramLabel = "P",
      description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Override
  public Integer call() throws Exception {
    if (promptLength != null) {
      OptionChecks.atLeast("--prompt-length", promptLength, 1);
    }
    Precision p =
        switch (precision) {
          case "float32" -> Precision.FLOAT32;
          case "float64" -> Precision.FLOAT64;
          default ->
              throw new IllegalArgumentException(
                  "--precision: expected float32 or float64, found '" + precision + "'");
        };
    Map<String, HostTensor> inputs = Safetensors.read(io).tensors();
    HostTensor tokens = inputs.get("input.tokens");
    if (tokens == null) {
      throw new IllegalArgumentException(
          io + ": no tensor 'input.tokens' (int64 [batch, seq_len])");
    }
    if (tokens.dtype().isFloating() || tokens.shape().rank() != 2) {
      throw new IllegalArgumentException(
          io
              + ": 'input.tokens' must be an integer tensor "
              + "[batch, seq_len], found "
              + tokens.dtype()
              + " "
              + tokens.shape());
    }
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(checkpoint, p);
    Injector injector = PldrInjectors.forConfig(ckpt.config());
    ModelSpec modelSpec = PldrInjectors.spec(injector);
    ModelFactory factory = injector.getInstance(ModelFactory.class);
    Map<String, HostTensor> result = new LinkedHashMap<>();
    long start = System.nanoTime();
    try (PldrModel model = ckpt.load(factory)) {
      LOG.info("loaded {} parameters from {}", model.parameterSpecs().size(), checkpoint);
      result.putAll(ReferenceOutputs.full(model.forward(tokens.toLongRows())));
      result.putAll(
          LossAndGradients.compute(modelSpec, ckpt.tensors(), tokens.toLongRows())
              .referenceTensors());
    }
    long[] row0 = tokens.toLongRows()[0];
    int p0 =
        promptLength != null
            ? promptLength
            : inputs.containsKey("decode.prompt_length")
                ? (int) inputs.get("decode.prompt_length").get(0)
                : Math.max(1, row0.length / 2);
    try (CachedDecoder decoder = new CachedDecoder(modelSpec)) {
      decoder.load(ckpt.tensors());
      result.putAll(TeacherForcing.referenceTensors(decoder, row0, p0));
    }
    DType outType = p == Precision.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    Map<String, HostTensor> written = new LinkedHashMap<>();
    result.forEach((k, v) -> written.put(k, v.dtype().isFloating() ? v.as(outType) : v));
    Safetensors.write(
        out,
        written,
        Map.of(
            "source",
            "pldr reference-run",
            "precision",
            precision,
            "checkpoint",
            checkpoint.toString()));
    var w = spec.commandLine().getOut();
    w.printf(
        "wrote %d tensors to %s (%.0f ms)%n",
        written.size(), out, (System.nanoTime() - start) / 1e6);
    for (Map.Entry<String, HostTensor> e : result.entrySet()) {
      HostTensor expected = inputs.get(e.getKey());
      if (expected != null
          && expected.shape().equals(e.getValue().shape())
          && !e.getKey().startsWith("grad.")) {
        w.printf(
            "  %-30s %-16s max|Δ| vs %s: %.3e%n",
            e.getKey(), e.getValue().shape(), io.getFileName(), e.getValue().maxAbsDiff(expected));
      }
    }
    double worst = 0;
    String worstName = null;
    for (Map.Entry<String, HostTensor> e : result.entrySet()) {
      HostTensor expected = inputs.get(e.getKey());
      if (e.getKey().startsWith("grad.")
          && expected != null
          && expected.shape().equals(e.getValue().shape())) {
        double rel = e.getValue().maxAbsDiff(expected) / Math.max(expected.maxAbs(), 1e-12);
        if (worstName == null || rel > worst) {
          worst = rel;
          worstName = e.getKey();
        }
      }
    }
    if (worstName != null) {
      w.printf(
          "  %-30s %-16s max|Δ|/max|expected| vs %s: %.3e (largest of %d gradients)%n",
          worstName,
          result.get(worstName).shape(),
          io.getFileName(),
          worst,
          result.keySet().stream().filter(k -> k.startsWith("grad.")).count());
    }
    w.flush();
    return 0;
  }
}
