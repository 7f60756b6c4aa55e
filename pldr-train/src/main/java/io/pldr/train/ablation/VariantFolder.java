package io.pldr.train.ablation;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.train.loop.ResumeCheck;
import io.pldr.train.observe.MetricsEntry;
import io.pldr.train.observe.MetricsHistory;
import io.pldr.train.observe.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A variant's run folder as the runner finds it: nothing yet, the checkpoints of an interrupted
 * run, or the final checkpoint of a finished one, whose results (the table's row) are read back
 * from that checkpoint and {@code metrics.jsonl}: the values the run reported.
 */
final class VariantFolder {
  private final PlannedVariant variant;
  private final CheckpointStore store;

  VariantFolder(PlannedVariant variant) {
    this.variant = variant;
    this.store = new CheckpointStore(variant.outDir().resolve("checkpoints"), Integer.MAX_VALUE);
  }

  /** The step of the newest checkpoint, 0 when there is none. */
  long step() throws IOException {
    Optional<Path> latest = store.latest();
    return latest.isEmpty() ? 0 : CheckpointStore.readState(latest.get()).getStep();
  }

  /**
   * Whether the variant has trained all its steps. A finished run of another configuration, or one
   * trained further, is refused: its numbers would not be this variant's.
   */
  boolean finished() throws IOException {
    Optional<Path> latest = store.latest();
    if (latest.isEmpty()) {
      return false;
    }
    CheckpointState state = CheckpointStore.readState(latest.get());
    long steps = variant.config().getSteps();
    if (state.getStep() > steps) {
      throw new IllegalArgumentException(
          "variant '"
              + variant.name()
              + "': "
              + latest.get()
              + " is at step "
              + state.getStep()
              + ", beyond the ablation's "
              + steps
              + " steps: choose another out_dir or raise steps");
    }
    try {
      ResumeCheck.merge(state, variant.config(), 1, latest.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "variant '"
              + variant.name()
              + "': "
              + variant.outDir()
              + " holds a run of another configuration ("
              + e.getMessage()
              + "): choose another out_dir, or delete that folder to train the variant again",
          e);
    }
    return state.getStep() == steps;
  }

  /** The newest checkpoint, read and checked: a finished variant's final one. */
  Checkpoint finalCheckpoint() throws IOException {
    return CheckpointStore.read(
        store.latest().orElseThrow(() -> new IOException(variant.outDir() + ": no checkpoint")));
  }

  /** The finished variant's row: its final checkpoint's parameters, the last metrics. */
  VariantResult result() throws IOException {
    Checkpoint checkpoint = finalCheckpoint();
    long parameters =
        checkpoint.model().values().stream().map(HostTensor::shape).mapToLong(s -> s.size()).sum();
    long steps = checkpoint.state().getStep();
    List<MetricsEntry> entries = history();
    Optional<MetricsEntry> train = last(entries, Split.TRAIN, steps);
    Optional<MetricsEntry> validation = last(entries, Split.VALIDATION, steps);
    return new VariantResult(
        variant.name(),
        variant.operator(),
        parameters,
        steps,
        value(train, "loss"),
        value(validation, "loss"),
        value(validation, "accuracy"),
        value(validation, "perplexity"),
        value(train, "tokens_per_second"));
  }

  /** The run's metrics history, empty when it has none. */
  List<MetricsEntry> history() throws IOException {
    Path metrics = variant.outDir().resolve(MetricsHistory.FILE_NAME);
    return Files.exists(metrics) ? MetricsHistory.read(metrics) : List.of();
  }

  private static Optional<MetricsEntry> last(List<MetricsEntry> entries, Split split, long step) {
    MetricsEntry found = null;
    for (MetricsEntry e : entries) {
      if (e.split() == split && e.step() == step) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  private static double value(Optional<MetricsEntry> entry, String name) {
    return entry.map(e -> e.value(name).orElse(Double.NaN)).orElse(Double.NaN);
  }
}
