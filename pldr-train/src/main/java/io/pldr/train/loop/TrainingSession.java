package io.pldr.train.loop;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.VariableIo;
import io.pldr.train.graph.TrainingGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
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
    this(graph, g -> g.model().openSession());
  }

  /**
   * The graph with a session {@code opener} makes (a data-parallel worker's session is on its
   * server).
   */
  public TrainingSession(TrainingGraph graph, Function<TrainingGraph, Session> opener) {
    this.graph = graph;
    this.session = opener.apply(graph);
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
    try (Tensor rate = scalarTensor(lr)) {
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

  /**
   * One optimiser step of a data-parallel replica: {@code microBatches} are this worker's shares,
   * {@code weights} each share's loss weight (workers × its targets ÷ the global micro-batch's
   * targets). Every worker must call it with the same learning rate; the result is the global
   * batch's, the same on every worker. The gradient norm is that of the averaged gradient the
   * update applied.
   */
  public StepResult replicaStep(long[][][] microBatches, double[] weights, double lr) {
    TrainingGraph.Replicas rep = replicas();
    int k = graph.accumulationSteps();
    if (microBatches.length != k || weights.length != k) {
      throw new IllegalArgumentException(
          "expected "
              + k
              + " micro-batches and weights, got "
              + microBatches.length
              + " and "
              + weights.length);
    }
    int workers = graph.replicaCount();
    double[] sums = null;
    double norm = Double.NaN;
    try (Tensor rate = scalarTensor(lr)) {
      for (int i = 0; i < k; i++) {
        Session.Runner r = session.runner().fetch(rep.metrics());
        if (k == 1) {
          r.fetch(rep.gradientNorm()).feed(graph.learningRate(), rate).addTarget(graph.update());
        } else {
          r.addTarget(graph.accumulate());
        }
        try (TInt64 batch = HostTensors.tokens(microBatches[i]);
            Tensor w = scalarTensor(weights[i]);
            Result res = r.feed(graph.batch(), batch).feed(rep.lossWeight(), w).run()) {
          double[] m = HostTensors.fromTensor(res.get(0)).toDoubleArray();
          if (sums == null) {
            sums = new double[m.length];
          }
          for (int j = 0; j < m.length; j++) {
            sums[j] += m[j];
          }
          if (k == 1) {
            norm = scalar(res, 1);
          }
        }
      }
      if (k > 1) {
        try (Result res =
            session
                .runner()
                .fetch(rep.gradientNorm())
                .feed(graph.learningRate(), rate)
                .addTarget(graph.update())
                .run()) {
          norm = scalar(res, 0);
        }
        session.runner().addTarget(graph.resetAccumulators()).run().close();
      }
    }
    double[] mean = new double[sums.length];
    for (int j = 0; j < sums.length; j++) {
      mean[j] = sums[j] / k;
    }
    Map<String, Double> terms = new LinkedHashMap<>();
    int j = 4;
    for (String name : graph.dagTerms().keySet()) {
      terms.put(name, mean[j++]);
    }
    return new StepResult(
        mean[0],
        mean[1],
        norm,
        Math.round(sums[2] * workers),
        separateObjective() ? mean[3] : mean[0],
        terms);
  }

  /** Sets every variable (parameters and optimiser state) to the chief's, on every worker. */
  public void takeChiefState() {
    session.runner().addTarget(replicas().broadcastState()).run().close();
  }

  /**
   * Runs one start-up exchange: feeds {@code value} and returns what the collective gives back (the
   * chief's value, or every worker's in task order).
   */
  public float[] exchange(TrainingGraph.Exchange exchange, float[] value) {
    try (TFloat32 in = TFloat32.vectorOf(value);
        Result res = session.runner().feed(exchange.in(), in).fetch(exchange.out()).run()) {
      TFloat32 out = (TFloat32) res.get(0);
      float[] f = new float[(int) out.shape().size()];
      out.asRawTensor().data().asFloats().read(f);
      return f;
    }
  }

  /** The sum over the workers of each worker's {@code local} vector (equal lengths). */
  public double[] sumOverWorkers(double[] local) {
    TrainingGraph.Sums sums = replicas().sums();
    try (TFloat64 in = TFloat64.vectorOf(local);
        Result res = session.runner().feed(sums.in(), in).fetch(sums.out()).run()) {
      TFloat64 out = (TFloat64) res.get(0);
      double[] d = new double[(int) out.shape().size()];
      out.asRawTensor().data().asDoubles().read(d);
      return d;
    }
  }

  private TrainingGraph.Replicas replicas() {
    return graph
        .replicas()
        .orElseThrow(() -> new IllegalStateException("not a data-parallel training graph"));
  }

  private Tensor scalarTensor(double v) {
    return HostTensors.toTensor(
        HostTensor.wrap(graph.model().dtype(), io.pldr.api.tensor.Shape.of(), new double[] {v}),
        graph.model().dtype());
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
