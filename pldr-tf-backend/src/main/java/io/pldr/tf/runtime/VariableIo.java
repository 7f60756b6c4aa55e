package io.pldr.tf.runtime;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;

/**
 * Loads values into, and reads values out of, the variables of registries in few session runs:
 * every distinct set of feeds and targets makes TensorFlow prune and optimise the whole graph
 * again, which with one run per variable cost a large model far more than the copies themselves.
 * Loading takes a constant number of runs, and for an inference graph one more per {@link
 * #CHUNK_BYTES} of values above the first.
 */
public final class VariableIo {
  /**
   * The most bytes of values (counted as float64) one assignment run feeds. TensorFlow's oneDNN
   * build allocates from a pool that never shrinks, so a run's transient memory (the values' native
   * copies and what the assignments compute from them: transposes, reduced formats) stays resident
   * for the process's life; runs of at most this much keep that small, for a few milliseconds per
   * run.
   */
  static final long CHUNK_BYTES = 64L << 20;

  private VariableIo() {}

  /** Values for the variables of one registry; {@code source} names where they came from. */
  public record Assignment(
      ParameterRegistry registry, Map<String, HostTensor> values, String source) {}

  /**
   * Assigns every variable; {@code values} must hold exactly them (checked first), in runs of at
   * most {@link #CHUNK_BYTES} of values (see {@link #assign(Session, List, List)}). Returns the
   * number of session runs made.
   */
  public static int assign(
      Session session, ParameterRegistry registry, Map<String, HostTensor> values, String source) {
    return assign(session, List.of(new Assignment(registry, values, source)), List.of());
  }

  /**
   * Assigns the variables of several registries and runs {@code targets} (resets of other
   * variables, which must not touch the assigned ones). Every assignment is checked before anything
   * runs. First the registries' preloads ({@link ParameterRegistry#preloads()}: packed variables
   * allocated before slices of them are written) and {@code targets}, if any, in a thread of their
   * own while the first values are copied to native tensors (the session's first run, which
   * prepares the whole graph, overlaps the copying); then the assignments: for inference graphs in
   * runs of at most {@link #CHUNK_BYTES} of values each (one run for a model under that), for
   * training graphs in one run. Returns the number of session runs made.
   */
  public static int assign(Session session, List<Assignment> assignments, List<Op> targets) {
    boolean inference =
        assignments.stream().allMatch(a -> a.registry().mode() == GraphMode.INFERENCE);
    // a training graph is pruned again for every distinct run: it loads in one run (a paper-size
    // session loaded in 17 s in chunks, 14 s in one run)
    return assign(session, assignments, targets, inference ? CHUNK_BYTES : Long.MAX_VALUE);
  }

  /** {@link #assign(Session, List, List)} in runs of at most {@code chunkBytes} of values. */
  static int assign(
      Session session, List<Assignment> assignments, List<Op> targets, long chunkBytes) {
    for (Assignment a : assignments) {
      Map<String, ParameterSpec> specs = new LinkedHashMap<>();
      a.registry().all().forEach((n, p) -> specs.put(n, p.spec()));
      ParameterCheck.check(specs, a.values(), a.source());
    }
    List<Op> first = new ArrayList<>();
    assignments.forEach(a -> first.addAll(a.registry().preloads()));
    first.addAll(targets);
    FirstRun firstRun = first.isEmpty() ? null : new FirstRun(session, first);
    int runs = firstRun == null ? 0 : 1;
    List<Tensor> feeds = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      long chunk = 0;
      for (Assignment a : assignments) {
        for (Parameter p : a.registry().all().values()) {
          HostTensor value = a.values().get(p.spec().name());
          if (chunk > 0 && chunk + value.shape().size() * 8 > chunkBytes) {
            runs += runChunk(runner, feeds, firstRun);
            firstRun = null;
            runner = session.runner();
            chunk = 0;
          }
          Tensor t = HostTensors.toTensor(value, a.registry().dtype());
          feeds.add(t);
          chunk += value.shape().size() * 8;
          runner.feed(p.feed(), t).addTarget(p.assign());
        }
      }
      if (!feeds.isEmpty()) {
        runs += runChunk(runner, feeds, firstRun);
        firstRun = null;
      }
      if (firstRun != null) {
        firstRun.await();
        firstRun = null;
      }
      return runs;
    } finally {
      if (firstRun != null) {
        firstRun.awaitQuietly();
      }
      feeds.forEach(Tensor::close);
    }
  }

  /**
   * Runs one chunk of assignments (after the first run, if it is still going) and frees its values'
   * native copies; returns 1.
   */
  private static int runChunk(Session.Runner runner, List<Tensor> feeds, FirstRun firstRun) {
    if (firstRun != null) {
      firstRun.await();
    }
    try {
      runner.run().close();
    } finally {
      feeds.forEach(Tensor::close);
      feeds.clear();
    }
    return 1;
  }

  /** A run of targets in a thread of its own. */
  private static final class FirstRun {
    private final Thread thread;
    private volatile RuntimeException failure;

    FirstRun(Session session, List<Op> targets) {
      Session.Runner runner = session.runner();
      targets.forEach(runner::addTarget);
      this.thread =
          new Thread(
              () -> {
                try {
                  runner.run().close();
                } catch (RuntimeException e) {
                  failure = e;
                }
              },
              "pldr-variable-load");
      thread.setDaemon(true);
      thread.start();
    }

    /** Waits for the run; throws what it threw. */
    void await() {
      awaitQuietly();
      if (failure != null) {
        throw failure;
      }
    }

    /** Waits for the run, whatever it did. */
    void awaitQuietly() {
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The current value of every variable, in registry order, in one run. */
  public static Map<String, HostTensor> read(Session session, ParameterRegistry registry) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    if (registry.all().isEmpty()) {
      return out;
    }
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(registry.all().keySet());
    names.forEach(n -> runner.fetch(registry.all().get(n).stored()));
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), HostTensors.fromTensor(r.get(i)));
      }
    }
    return out;
  }
}
