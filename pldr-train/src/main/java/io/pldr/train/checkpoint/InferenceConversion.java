package io.pldr.train.checkpoint;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.ModelFingerprint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.checkpoint.RunLock;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.ExternalOperatorModule;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.runtime.ModelGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a learned (v510) checkpoint and a G-cache inferred from it into an inference model of its
 * own (the reference's v510Gi): a checkpoint whose operator is {@code external} (the G-cache,
 * copied beside it) and which holds no metric-learner, power-law or metric-norm weights.
 */
public final class InferenceConversion {
  /** The G-cache file's name inside the converted run folder. */
  public static final String GCACHE_FILE = "gcache.safetensors";

  private InferenceConversion() {}

  /**
   * Writes the inference model into the run folder {@code out}, a new run of its own; returns its
   * checkpoint. The G-cache must have been inferred from {@code source} (its checksum, values and
   * model fingerprint are checked) unless {@code allowForeign}. Refuses an {@code out} that is,
   * holds or lies inside the source's folder, or that already holds checkpoints (of any run),
   * naming it, so that nothing trained is overwritten or pruned; {@code out} is locked ({@link
   * RunLock}) while it is written.
   */
  public static Path convert(
      ModelFolder source, Path gCache, Path out, Components components, boolean allowForeign)
      throws IOException {
    Path outPlace = place(out);
    Path sourcePlace = place(source.dir());
    if (sourcePlace.startsWith(outPlace) || outPlace.startsWith(sourcePlace)) {
      throw new IllegalArgumentException(
          "--out "
              + out
              + (outPlace.startsWith(sourcePlace) && !outPlace.equals(sourcePlace)
                  ? " lies inside the source model folder "
                  : " is or holds the source model folder ")
              + source.dir()
              + ": writing there would overwrite the model being converted; choose a new folder");
    }
    if (Files.isRegularFile(out.resolve(CheckpointStore.STATE_FILE))) {
      throw new IllegalArgumentException(
          "--out " + out + " is a checkpoint folder: choose a new folder for the converted run");
    }
    refuseCheckpoints(out);
    ModelConfig learned = source.state().getConfig().getModel();
    GCacheFile.load(gCache, learned, ModelFingerprint.of(source), allowForeign);
    Files.createDirectories(out);
    try (RunLock lock = RunLock.acquire(out)) {
      return convertLocked(source, gCache, out, components, learned);
    }
  }

  /** Refuses an output folder whose checkpoint folder holds anything (checkpoints of a run). */
  private static void refuseCheckpoints(Path out) throws IOException {
    Path root = out.resolve(CheckpointStore.RUN_SUBFOLDER);
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        List<String> held = s.map(p -> p.getFileName().toString()).sorted().toList();
        if (!held.isEmpty()) {
          throw new IllegalArgumentException(
              "--out "
                  + out
                  + " already holds checkpoints ("
                  + root
                  + ": "
                  + String.join(", ", held)
                  + "): convert-gi writes a new run and would replace them; choose a new folder");
        }
      }
    }
  }

  /** Where {@code p} really is: its real path if it exists, else its absolute normal form. */
  private static Path place(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
  }

  private static Path convertLocked(
      ModelFolder source, Path gCache, Path out, Components components, ModelConfig learned)
      throws IOException {
    CheckpointStore store = new CheckpointStore(out.resolve(CheckpointStore.RUN_SUBFOLDER), 1);
    store.cleanUp();
    refuseCheckpoints(out);
    Path copied = out.resolve(GCACHE_FILE).toAbsolutePath();
    Files.copy(gCache, copied, StandardCopyOption.REPLACE_EXISTING);
    ModelConfig inference =
        ModelConfigs.validate(
            learned.toBuilder()
                .setTensorOperator(
                    learned.getTensorOperator().toBuilder()
                        .clearOptions()
                        .setName(ExternalOperatorModule.EXTERNAL)
                        .putOptions(ExternalOperatorProvider.FILE_OPTION, copied.toString()))
                .build(),
            "converted model");
    Map<String, HostTensor> kept = new LinkedHashMap<>();
    Map<String, HostTensor> all = source.model();
    try (ModelGraph graph = new ModelGraph(components.spec(inference))) {
      for (String name : graph.parameterSpecs().keySet()) {
        kept.put(name, all.get(name));
      }
    }
    TrainConfig config =
        source.state().getConfig().toBuilder()
            .setModel(inference)
            .setOutDir(out.toString())
            .build();
    CheckpointState state = source.state().toBuilder().setConfig(config).clearSha256().build();
    return store.write(state, kept, Map.of(), source.tokenizerFile());
  }
}
