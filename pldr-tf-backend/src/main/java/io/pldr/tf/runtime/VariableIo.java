package io.pldr.tf.runtime;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.HostTensor;
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
 * Loads values into, and reads values out of, the variables of registries in a constant number of
 * session runs, whatever the number of variables: every distinct set of feeds and targets makes
 * TensorFlow prune and optimise the whole graph again, which for a large model costs far more than
 * the copies themselves.
 */
public final class VariableIo {
  private VariableIo() {}

  /** Values for the variables of one registry; {@code source} names where they came from. */
  public record Assignment(
      ParameterRegistry registry, Map<String, HostTensor> values, String source) {}

  /**
   * Assigns every variable; {@code values} must hold exactly them (checked first). Two runs at most
   * (see {@link #assign(Session, List, List)}); every value is in native memory during the second:
   * one more copy of the variables. Returns the number of session runs made.
   */
  public static int assign(
      Session session, ParameterRegistry registry, Map<String, HostTensor> values, String source) {
    return assign(session, List.of(new Assignment(registry, values, source)), List.of());
  }

  /**
   * Assigns the variables of several registries and runs {@code targets} (resets of other
   * variables, which must not touch the assigned ones). Every assignment is checked before anything
   * runs. Two runs at most, whatever the number of variables: the registries' preloads ({@link
   * ParameterRegistry#preloads()}: packed variables allocated before slices of them are written)
   * and {@code targets}, if any, in a thread of their own while the values are copied to native
   * tensors (the session's first run, which prepares the whole graph, overlaps the copying); then
   * every assignment. Returns the number of session runs made.
   */
  public static int assign(Session session, List<Assignment> assignments, List<Op> targets) {
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
      for (Assignment a : assignments) {
        for (Parameter p : a.registry().all().values()) {
          Tensor t = HostTensors.toTensor(a.values().get(p.spec().name()), a.registry().dtype());
          feeds.add(t);
          runner.feed(p.feed(), t).addTarget(p.assign());
        }
      }
      if (firstRun != null) {
        firstRun.await();
        firstRun = null;
      }
      if (!feeds.isEmpty()) {
        runner.run().close();
        runs++;
      }
      return runs;
    } finally {
      if (firstRun != null) {
        firstRun.awaitQuietly();
      }
      feeds.forEach(Tensor::close);
    }
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
