package io.pldr.cli;

import io.pldr.api.config.ModelConfig;
import io.pldr.cache.PretrainedModel;
import io.pldr.tf.io.GCacheFile;
import java.nio.file.Path;
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
      "'pldr generate --g-cache FILE' then decodes without the deep net of PLGA."
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

  @Override
  public Integer call() throws Exception {
    ModelConfig config;
    try (PretrainedModel model = checkpoint.loader().load()) {
      config = model.config();
      GCacheFile.save(out, config, model.inferGCache(prompt));
    }
    spec.commandLine()
        .getOut()
        .printf("wrote the G-cache of %d layers to %s%n", config.getNumLayers(), out);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
