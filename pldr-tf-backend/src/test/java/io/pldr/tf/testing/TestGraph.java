package io.pldr.tf.testing;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import io.pldr.tf.runtime.HostTensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** A graph with pldr's algebra over it, for testing pieces of the model in isolation. */
public final class TestGraph implements AutoCloseable {
  private final Graph graph = new Graph();
  private final TfTensorOps ops;
  private Session session;

  public TestGraph(DType dtype) {
    Ops tf = Ops.create(graph);
    this.ops = new TfTensorOps(tf, new ParameterRegistry(tf, dtype));
  }

  public TfTensorOps ops() {
    return ops;
  }

  /** Evaluates an operand (the graph must hold no parameters). */
  public HostTensor eval(Operand<?> operand) {
    if (session == null) {
      session = new Session(graph);
    }
    try (Result r = session.runner().fetch(operand).run()) {
      return HostTensors.fromTensor(r.get(0));
    }
  }

  /** Evaluates a tensor of the algebra. */
  public HostTensor eval(Tensor tensor) {
    return eval(ops.unwrap(tensor));
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
