package io.pldr.cli;

import io.pldr.api.io.IoErrors;
import io.pldr.cache.interop.HfExport;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a pldr checkpoint in the layout of the Hugging Face port of PLDR-LLM. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write a checkpoint as a Hugging Face PLDR-LLM folder: config.json, model.safetensors"
          + " (the reference's tensor names), the tokenizer with tokenizer_config.json and"
          + " special_tokens_map.json, and generation_config.json.",
      "",
      "Learned models are written with custom_G_type null; identity, random, external and"
          + " transferred models (and convert-gi's v510Gi) with their A_LM and G_LM in"
          + " decoder.past_G_values."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The folder to write (new, or an empty folder).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Outputs.checkFolder(out, "the exported model", "--out");
    HfExport.Result r;
    try {
      r = HfExport.run(checkpoint.dir(), out);
    } catch (FileSystemException e) {
      throw IoErrors.wrapped("export " + checkpoint + " to", out, e);
    }
    spec.commandLine()
        .getOut()
        .printf(
            "exported %s to %s: %d tensors, custom_G_type %s%n",
            checkpoint,
            r.dir(),
            r.tensors(),
            r.customG().map(g -> g.json()).orElse("null (learned)"));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
