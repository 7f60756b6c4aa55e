package io.pldr.tf.testing;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.Initializers;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.VariableIo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * A graph with pldr's algebra over it, for testing pieces of the model in isolation. Its session
 * opens at the first evaluation, with every parameter created so far at its initial value.
 */
public final class TestGraph implements AutoCloseable {
  private final Graph graph = new Graph();
  private final TfTensorOps ops;
  private Session session;

  /** A training graph. */
  public TestGraph(DType dtype) {
    this(dtype, GraphMode.TRAINING);
  }

  /** A graph built as {@code mode} builds it. */
  public TestGraph(DType dtype, GraphMode mode) {
    Ops tf = Ops.create(graph);
    this.ops = new TfTensorOps(tf, new ParameterRegistry(tf, dtype, mode));
  }

  public TfTensorOps ops() {
    return ops;
  }

  public Graph graph() {
    return graph;
  }

  /** The session, opened (and parameters initialised) on first use. */
  public Session session() {
    if (session == null) {
      session = new Session(graph);
      ParameterRegistry params = ops.parameters();
      if (!params.all().isEmpty()) {
        Map<String, HostTensor> initial = new LinkedHashMap<>();
        for (Parameter p : params.all().values()) {
          initial.put(
              p.spec().name(),
              HostTensor.wrap(
                  params.dtype(),
                  p.spec().shape(),
                  Initializers.sample(p.initializer(), p.spec().shape(), 1, p.spec().name())));
        }
        VariableIo.assign(session, params, initial, "initial values");
      }
    }
    return session;
  }

  /** Evaluates an operand. */
  public HostTensor eval(Operand<?> operand) {
    try (Result r = session().runner().fetch(operand).run()) {
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
