package io.pldr.cache.invariance;

import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.runtime.HostTensors;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.LogMatrixDeterminant;
import org.tensorflow.types.TFloat64;

/**
 * Sign and log|det| of a batch of square matrices, by TensorFlow's LU-based
 * {@code LogMatrixDeterminant} in float64 (a 64×64 determinant over- or underflows easily, so
 * the log is what is reported alongside the value).
 */
final class Determinants implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Placeholder<TFloat64> input;
  private final LogMatrixDeterminant<TFloat64> det;
  private final Session session;

  Determinants() {
    Ops tf = Ops.create(graph);
    input = tf.placeholder(TFloat64.class);
    det = tf.linalg.logMatrixDeterminant(input);
    session = new Session(graph, io.pldr.tf.runtime.SessionConfigs.standard());
  }

  /** For {@code m [..., d, d]}: {sign [...], log|det| [...]}. */
  HostTensor[] of(HostTensor m) {
    try (Tensor t = HostTensors.toTensor(m, io.pldr.api.tensor.DType.FLOAT64);
        Result r = session.runner().feed(input, t).fetch(det.sign()).fetch(det.logAbsDeterminant()).run()) {
      return new HostTensor[] {HostTensors.fromTensor(r.get(0)), HostTensors.fromTensor(r.get(1))};
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
