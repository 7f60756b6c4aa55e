package io.pldr.tf.testing;

import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.ops.TfTypes;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.VariableIo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Placeholder;

/**
 * The TensorFlow backend's {@link OperatorHarness}: a {@link TestGraph}, placeholders as inputs,
 * {@code Graph.addGradients} for gradients.
 */
public final class TfOperatorHarness implements OperatorHarness {
  private final TestGraph graph;

  public TfOperatorHarness(DType dtype) {
    this.graph = new TestGraph(dtype);
  }

  @Override
  public TensorOps ops() {
    return graph.ops();
  }

  @Override
  public Tensor input(Shape shape) {
    return graph
        .ops()
        .wrap(
            graph
                .ops()
                .tf()
                .placeholder(graph.ops().type(), Placeholder.shape(TfTypes.shape(shape))));
  }

  @Override
  public HostTensor eval(Tensor t, Map<Tensor, HostTensor> feeds) {
    return run(graph.ops().unwrap(t), feeds);
  }

  @Override
  public Map<String, Tensor> parameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    graph.ops().parameters().all().forEach((n, p) -> out.put(n, graph.ops().wrap(p.value())));
    return out;
  }

  @Override
  public void assign(String name, HostTensor value) {
    Session session = graph.session();
    Map<String, HostTensor> values = VariableIo.read(session, graph.ops().parameters());
    values.put(name, value);
    VariableIo.assign(session, graph.ops().parameters(), values, "harness");
  }

  @Override
  public HostTensor gradient(Tensor loss, Tensor x, Map<Tensor, HostTensor> feeds) {
    Output<?>[] grads =
        graph
            .graph()
            .addGradients(
                graph.ops().unwrap(loss).asOutput(),
                new Output<?>[] {graph.ops().unwrap(x).asOutput()});
    if (grads[0] == null) {
      throw new AssertionError("no gradient path from the loss to " + x);
    }
    return run(grads[0], feeds);
  }

  private HostTensor run(Operand<?> fetch, Map<Tensor, HostTensor> feeds) {
    Session.Runner runner = graph.session().runner().fetch(fetch);
    List<org.tensorflow.Tensor> fed = new ArrayList<>();
    try {
      for (Map.Entry<Tensor, HostTensor> f : feeds.entrySet()) {
        org.tensorflow.Tensor t = HostTensors.toTensor(f.getValue(), graph.ops().floatType());
        fed.add(t);
        runner.feed(graph.ops().unwrap(f.getKey()), t);
      }
      try (Result r = runner.run()) {
        return HostTensors.fromTensor(r.get(0));
      }
    } finally {
      fed.forEach(org.tensorflow.Tensor::close);
    }
  }

  @Override
  public void close() {
    graph.close();
  }
}
