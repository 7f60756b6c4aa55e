package io.pldr.cli;

import io.pldr.api.io.IoErrors;
import io.pldr.cache.interop.HfImport;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a Hugging Face folder of the PLDR-LLM port as a pldr run folder. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Write a Hugging Face PLDR-LLM folder as a pldr run folder.",
      "",
      "The folder holds config.json, model.safetensors (or shards with an index) and"
          + " tokenizer.model or tokenizer.json, as the Hugging Face port of PLDR-LLM writes them."
          + " Every command that takes --checkpoint also reads such a folder directly; importing"
          + " checks it once and keeps a pldr checkpoint with checksums. Nothing is written when"
          + " the folder fails a check."
    })
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DIR",
      description = "The Hugging Face model folder.")
  Path from;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The run folder to write (new, or an empty folder).")
  Path out;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    Outputs.checkFolder(out, "the imported run", "--out");
    HfImport.Result r;
    try {
      r = HfImport.run(from, out);
    } catch (FileSystemException e) {
      throw IoErrors.wrapped("import " + from + " into", out, e);
    }
    spec.commandLine()
        .getOut()
        .printf(
            "imported %s: %d tensors (%,d values), operator %s, into %s (%.1f s)%n",
            from,
            r.tensors(),
            r.values(),
            r.config().getTensorOperator().getName(),
            r.checkpoint(),
            (System.nanoTime() - start) / 1e9);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
