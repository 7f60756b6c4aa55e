package io.pldr.cli;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.train.checkpoint.InferenceConversion;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Converts a learned model and its G-cache into an inference model (v510Gi). */
@Command(
    name = "convert-gi",
    mixinStandardHelpOptions = true,
    description = {
      "Convert a learned model and a G-cache into an inference model (v510Gi).",
      "",
      "The learned (v510) checkpoint and a G-cache file ('pldr gcache') become a model of"
          + " its own: operator 'external' with a constant G_LM per layer, and no"
          + " metric-learner or power-law weights."
    })
final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(
      names = "--g-cache",
      required = true,
      paramLabel = "FILE",
      description = "The G-cache to freeze.")
  Path gCache;

  @Mixin ForeignGCacheOption foreignGCache;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Run folder for the inference model.")
  Path out;

  @Override
  public Integer call() throws Exception {
    ModelFolder source = ModelFolder.open(checkpoint.dir());
    Components components =
        PldrInjectors.forConfig(source.modelConfig()).getInstance(Components.class);
    Path written =
        InferenceConversion.convert(source, gCache, out, components, foreignGCache.allow);
    Map<String, HostTensor> kept = CheckpointStore.read(written).model();
    Map<String, HostTensor> all = source.model();
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: %d of %d parameter tensors kept (%,d of %,d values), operator external%n",
            written, kept.size(), all.size(), count(kept), count(all));
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static long count(Map<String, HostTensor> tensors) {
    return tensors.values().stream().mapToLong(HostTensor::size).sum();
  }
}
