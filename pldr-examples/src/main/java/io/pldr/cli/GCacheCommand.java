package io.pldr.cli;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.DeductiveTensors;
import io.pldr.cache.PretrainedModel;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Infers a model's G-cache once, from a prompt, and saves it for later runs. */
@Command(
    name = "gcache",
    mixinStandardHelpOptions = true,
    description = {
      "Infer A_LM and G_LM of every layer from a prompt and save them (safetensors).",
      "",
      "'pldr generate --g-cache FILE' then decodes without the deep net of PLGA.",
      "The file records its tensors' SHA-256 and this model's fingerprint: a damaged file, or",
      "one used with another model (without --allow-foreign-g-cache), is refused.",
      "With --all: every deductive output of the prompt's pass instead (A, A_LM, A_P, G_LM",
      "and the attention weights E per layer), not a G-cache."
    })
final class GCacheCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(
      names = "--prompt",
      required = true,
      paramLabel = "TEXT",
      description = "The prompt to infer G_LM from.")
  String prompt;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The G-cache file to write.")
  Path out;

  @Option(
      names = "--all",
      description =
          "Write every deductive output per layer (layers.<i>.A, A_LM, A_P, G_LM [1,H,d,d] and E"
              + " [1,H,T,T]; A and A_P only where the operator computes them) to a safetensors"
              + " file, not a G-cache.")
  boolean all;

  /** The format name in the metadata of a file of all deductive outputs. */
  static final String DEDUCTIVE_FORMAT = "pldr-deductive-outputs";

  @Override
  public Integer call() throws Exception {
    OptionChecks.decodedText("--prompt", prompt, null);
    String kind = all ? "the deductive outputs" : "the G-cache";
    Outputs.checkFile(out, kind, "--out");
    // an earlier G-cache or deductive-outputs file may be replaced, nothing else
    Outputs.checkReplaceable(
        out,
        kind,
        "--out",
        f -> {
          try {
            String format = Safetensors.read(f, name -> false).metadata().get("format");
            return GCacheFile.FORMAT.equals(format) || DEDUCTIVE_FORMAT.equals(format);
          } catch (IOException notSafetensors) {
            return false;
          }
        });
    ModelConfig config;
    String what;
    try (PretrainedModel model = checkpoint.loader().load()) {
      config = model.config();
      if (all) {
        what = writeAll(model);
      } else {
        model.saveGCache(out, prompt);
        what = "the G-cache";
      }
    }
    spec.commandLine()
        .getOut()
        .printf("wrote %s of %d layers to %s%n", what, config.getNumLayers(), out);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private String writeAll(PretrainedModel model) throws IOException {
    DeductiveTensors d = model.deductiveOutputs(prompt);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    List<String> absent = new ArrayList<>();
    for (int i = 0; i < d.layers().size(); i++) {
      DeductiveTensors.Layer l = d.layers().get(i);
      String p = "layers." + i + ".";
      l.a().ifPresent(t -> tensors.put(p + "A", t));
      tensors.put(p + "A_LM", l.aLm());
      l.potential().ifPresent(t -> tensors.put(p + "A_P", t));
      tensors.put(p + "G_LM", l.gLm());
      tensors.put(p + "E", l.weights());
      if (l.a().isEmpty() && !absent.contains("A")) {
        absent.add("A");
      }
      if (l.potential().isEmpty() && !absent.contains("A_P")) {
        absent.add("A_P");
      }
    }
    String operator = model.config().getTensorOperator().getName();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", DEDUCTIVE_FORMAT);
    metadata.put("checkpoint", model.checkpoint().dir().toAbsolutePath().toString());
    metadata.put("token_ids", d.tokenIds().toString());
    metadata.put("num_layers", Integer.toString(d.layers().size()));
    metadata.put("tensor_operator", operator);
    String missing = String.join(" and ", absent);
    metadata.put(
        "absent",
        absent.isEmpty()
            ? "none"
            : missing
                + ": the tensor operator '"
                + operator
                + "' does not compute "
                + (absent.size() == 1 ? "it" : "them")
                + (absent.contains("A") ? " (a constant operator reads no metric tensor)" : ""));
    Safetensors.write(out, tensors, metadata);
    return "the deductive outputs (" + (absent.isEmpty() ? "all five" : "no " + missing) + ")";
  }
}
