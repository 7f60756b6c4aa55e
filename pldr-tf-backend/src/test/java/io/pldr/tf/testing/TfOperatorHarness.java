package io.pldr.tf.testing;

import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.ops.Initializers;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.VariableIo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** The TensorFlow backend's {@link OperatorHarness}: a graph, parameters at their initial values. */
public final class TfOperatorHarness implements OperatorHarness {
  private final Graph graph = new Graph();
  private final TfTensorOps ops;
  private Session session;

  public TfOperatorHarness(DType dtype) {
    Ops tf = Ops.create(graph);
    this.ops = new TfTensorOps(tf, new ParameterRegistry(tf, dtype));
  }

  @Override
  public TensorOps ops() {
    return ops;
  }

  private Session session() {
    if (session == null) {
      session = new Session(graph);
      ParameterRegistry params = ops.parameters();
      Map<String, HostTensor> initial = new LinkedHashMap<>();
      for (Parameter p : params.all().values()) {
        initial.put(p.spec().name(), HostTensor.wrap(params.dtype(), p.spec().shape(),
            Initializers.sample(p.initializer(), p.spec().shape(), 1, p.spec().name())));
      }
      VariableIo.assign(session, params, initial, "initial values");
    }
    return session;
  }

  @Override
  public HostTensor eval(Tensor t) {
    try (Result r = session().runner().fetch(ops.unwrap(t)).run()) {
      return HostTensors.fromTensor(r.get(0));
    }
  }

  @Override
  public boolean finiteGradients(Tensor loss) {
    Map<String, Parameter> params = ops.parameters().all();
    if (params.isEmpty()) {
      return Double.isFinite(eval(loss).maxAbs());
    }
    Output<?>[] xs = params.values().stream().map(p -> p.value().asOutput()).toArray(Output<?>[]::new);
    Output<?>[] grads = graph.addGradients(ops.unwrap(loss).asOutput(), xs);
    Session s = session();
    for (Output<?> g : grads) {
      if (g == null) {
        return false;
      }
      try (Result r = s.runner().fetch(g).run()) {
        if (!Double.isFinite(HostTensors.fromTensor(r.get(0)).maxAbs())) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
