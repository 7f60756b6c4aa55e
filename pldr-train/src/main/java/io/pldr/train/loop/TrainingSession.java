package io.pldr.train.loop;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.VariableIo;
import io.pldr.train.graph.TrainingGraph;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt64;

/**
 * A {@link TrainingGraph} with its session: one optimiser step or one validation batch per call,
 * each a single session run; parameters and optimiser state read and loaded for checkpoints.
 */
public final class TrainingSession implements AutoCloseable {
  /** What one step measured: mean loss and accuracy over its micro-batches, gradient norm. */
  public record StepResult(double loss, double accuracy, double gradientNorm, long targets) {}

  /** A validation batch's loss, accuracy and number of counted targets. */
  public record EvalResult(double loss, double accuracy, long targets) {}

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

  /** Loads parameters (and, if given, optimiser state; otherwise it starts from zero). */
  public void load(Map<String, HostTensor> parameters, Map<String, HostTensor> optimizer) {
    graph.model().assign(session, parameters, "parameters");
    if (optimizer != null) {
      VariableIo.assign(session, graph.optimizerState(), optimizer, "optimizer state");
    } else {
      session.runner().addTarget(graph.resetOptimizer()).run().close();
    }
    if (graph.accumulationSteps() > 1) {
      session.runner().addTarget(graph.resetAccumulators()).run().close();
    }
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
   * One optimiser step over {@code microBatches} (as many as the accumulation count), each
   * {@code [B, T+1]}, at learning rate {@code lr}.
   */
  public StepResult step(long[][][] microBatches, double lr) {
    int k = graph.accumulationSteps();
    if (microBatches.length != k) {
      throw new IllegalArgumentException("expected " + k + " micro-batches, got " + microBatches.length);
    }
    double loss = 0;
    double acc = 0;
    double norm = 0;
    long targets = 0;
    try (Tensor rate = HostTensors.toTensor(HostTensor.wrap(graph.model().dtype(),
        io.pldr.api.tensor.Shape.of(), new double[] {lr}), graph.model().dtype())) {
      for (int i = 0; i < k; i++) {
        Session.Runner r = session.runner()
            .fetch(graph.loss()).fetch(graph.accuracy()).fetch(graph.gradientNorm())
            .fetch(graph.targetCount());
        if (k == 1) {
          r.feed(graph.learningRate(), rate).addTarget(graph.update());
        } else {
          r.addTarget(graph.accumulate());
        }
        try (TInt64 batch = HostTensors.tokens(microBatches[i]); Result res = r.feed(graph.batch(), batch).run()) {
          loss += scalar(res, 0);
          acc += scalar(res, 1);
          norm += scalar(res, 2);
          targets += (long) scalar(res, 3);
        }
      }
      if (k > 1) {
        session.runner().feed(graph.learningRate(), rate).addTarget(graph.update()).run().close();
        session.runner().addTarget(graph.resetAccumulators()).run().close();
      }
    }
    return new StepResult(loss / k, acc / k, norm / k, targets);
  }

  /** Loss and accuracy of one batch without changing anything. */
  public EvalResult evaluate(long[][] batch) {
    try (TInt64 t = HostTensors.tokens(batch);
        Result res = session.runner().fetch(graph.loss()).fetch(graph.accuracy())
            .fetch(graph.targetCount()).feed(graph.batch(), t).run()) {
      return new EvalResult(scalar(res, 0), scalar(res, 1), (long) scalar(res, 2));
    }
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
