package io.pldr.train.loop;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.VariableIo;
import io.pldr.train.graph.TrainingGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.types.TInt64;

/**
 * A {@link TrainingGraph} with its session: one optimiser step or one validation batch per call,
 * each a single session run; parameters and optimiser state read and loaded for checkpoints.
 */
public final class TrainingSession implements AutoCloseable {
  /**
   * What one step measured, each a mean over its micro-batches: cross-entropy ({@code loss}),
   * accuracy, gradient norm; the targets counted; the loss the optimiser minimised ({@code
   * objective}: {@code loss} plus the weighted DAG terms) and the DAG terms by {@link
   * TrainingGraph#dagTerms()}'s keys (empty without DAG regularisation).
   */
  public record StepResult(
      double loss,
      double accuracy,
      double gradientNorm,
      long targets,
      double objective,
      Map<String, Double> dag) {}

  /**
   * A validation batch's cross-entropy, accuracy, counted targets, and objective and DAG terms as
   * in {@link StepResult}.
   */
  public record EvalResult(
      double loss, double accuracy, long targets, double objective, Map<String, Double> dag) {}

  private final TrainingGraph graph;
  private final Session session;

  public TrainingSession(TrainingGraph graph) {
    this.graph = graph;
    this.session = graph.model().openSession();
  }

  /** The graph. */
  public TrainingGraph graph() {
    return graph;
  }

  /**
   * Loads parameters (and, if given, optimiser state; otherwise it starts from zero) and zeroes the
   * gradient accumulators, in one session run: both sets of values are checked before anything is
   * assigned. Returns the number of session runs made (two at most).
   */
  public int load(Map<String, HostTensor> parameters, Map<String, HostTensor> optimizer) {
    List<VariableIo.Assignment> assignments = new ArrayList<>();
    List<Op> resets = new ArrayList<>();
    assignments.add(
        new VariableIo.Assignment(graph.model().ops().parameters(), parameters, "parameters"));
    if (optimizer != null) {
      assignments.add(
          new VariableIo.Assignment(graph.optimizerState(), optimizer, "optimizer state"));
    } else {
      resets.add(graph.resetOptimizer());
    }
    if (graph.accumulationSteps() > 1) {
      resets.add(graph.resetAccumulators());
    }
    return VariableIo.assign(session, assignments, resets);
  }

  /** The parameters, by reference name. */
  public Map<String, HostTensor> parameters() {
    return graph.model().read(session);
  }

  /** The optimiser state (step, m and v per parameter). */
  public Map<String, HostTensor> optimizerState() {
    return VariableIo.read(session, graph.optimizerState());
  }

  /**
   * One optimiser step over {@code microBatches} (as many as the accumulation count), each {@code
   * [B, T+1]}, at learning rate {@code lr}.
   */
  public StepResult step(long[][][] microBatches, double lr) {
    int k = graph.accumulationSteps();
    if (microBatches.length != k) {
      throw new IllegalArgumentException(
          "expected " + k + " micro-batches, got " + microBatches.length);
    }
    double[] sums = new double[4 + dagFetches()];
    try (Tensor rate =
        HostTensors.toTensor(
            HostTensor.wrap(
                graph.model().dtype(), io.pldr.api.tensor.Shape.of(), new double[] {lr}),
            graph.model().dtype())) {
      for (int i = 0; i < k; i++) {
        Session.Runner r =
            session
                .runner()
                .fetch(graph.crossEntropy())
                .fetch(graph.accuracy())
                .fetch(graph.targetCount())
                .fetch(graph.gradientNorm());
        fetchDag(r);
        if (k == 1) {
          r.feed(graph.learningRate(), rate).addTarget(graph.update());
        } else {
          r.addTarget(graph.accumulate());
        }
        try (TInt64 batch = HostTensors.tokens(microBatches[i]);
            Result res = r.feed(graph.batch(), batch).run()) {
          for (int j = 0; j < sums.length; j++) {
            sums[j] += scalar(res, j);
          }
        }
      }
      if (k > 1) {
        session.runner().feed(graph.learningRate(), rate).addTarget(graph.update()).run().close();
        session.runner().addTarget(graph.resetAccumulators()).run().close();
      }
    }
    double[] mean = new double[sums.length];
    for (int j = 0; j < sums.length; j++) {
      mean[j] = sums[j] / k;
    }
    return new StepResult(
        mean[0], mean[1], mean[3], (long) sums[2], objective(mean, 4), dag(mean, 4));
  }

  /** Loss and accuracy (and the DAG terms, if measured) of one batch without changing anything. */
  public EvalResult evaluate(long[][] batch) {
    Session.Runner r =
        session
            .runner()
            .fetch(graph.crossEntropy())
            .fetch(graph.accuracy())
            .fetch(graph.targetCount());
    fetchDag(r);
    try (TInt64 t = HostTensors.tokens(batch);
        Result res = r.feed(graph.batch(), t).run()) {
      double[] v = new double[3 + dagFetches()];
      for (int j = 0; j < v.length; j++) {
        v[j] = scalar(res, j);
      }
      return new EvalResult(v[0], v[1], (long) v[2], objective(v, 3), dag(v, 3));
    }
  }

  // Fetched first: cross-entropy, accuracy, targets (and for a step the gradient norm); then,
  // from index `from`, the objective and the DAG terms if the graph has them.
  // The objective is fetched only when it differs from the cross-entropy (a coefficient > 0).
  private int dagFetches() {
    return (separateObjective() ? 1 : 0) + graph.dagTerms().size();
  }

  private boolean separateObjective() {
    return graph.loss() != graph.crossEntropy();
  }

  private void fetchDag(Session.Runner r) {
    if (separateObjective()) {
      r.fetch(graph.loss());
    }
    graph.dagTerms().values().forEach(r::fetch);
  }

  private double objective(double[] v, int from) {
    return separateObjective() ? v[from] : v[0];
  }

  private Map<String, Double> dag(double[] v, int from) {
    Map<String, Double> terms = new LinkedHashMap<>();
    int j = separateObjective() ? from + 1 : from;
    for (String name : graph.dagTerms().keySet()) {
      terms.put(name, v[j++]);
    }
    return terms;
  }

  private static double scalar(Result r, int i) {
    return HostTensors.fromTensor(r.get(i)).get(0);
  }

  @Override
  public void close() {
    session.close();
    graph.model().close();
  }
}
