package io.pldr.tf.testing;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.api.tensor.TensorOpsHarness;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.runtime.HostTensors;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * The TensorFlow backend's {@link TensorOpsHarness}: a {@link TestGraph} (parameters at the values
 * their initializers draw), several tensors evaluated in one session run, and symbolic gradients
 * from {@code Graph.addGradients}.
 */
public final class TfTensorOpsHarness implements TensorOpsHarness {
  private final TestGraph graph;

  public TfTensorOpsHarness(DType dtype, GraphMode mode) {
    this.graph = new TestGraph(dtype, mode);
  }

  @Override
  public TensorOps ops() {
    return graph.ops();
  }

  @Override
  public HostTensor eval(Tensor t) {
    return graph.eval(t);
  }

  @Override
  public List<HostTensor> evalAll(List<Tensor> tensors) {
    Session.Runner runner = graph.session().runner();
    tensors.forEach(t -> runner.fetch(graph.ops().unwrap(t)));
    List<HostTensor> values = new ArrayList<>(tensors.size());
    try (Result r = runner.run()) {
      for (int i = 0; i < tensors.size(); i++) {
        values.add(HostTensors.fromTensor(r.get(i)));
      }
    }
    return values;
  }

  @Override
  public HostTensor gradient(Tensor loss, Tensor x) {
    Output<?> dx =
        graph.graph()
            .addGradients(
                graph.ops().unwrap(loss).asOutput(),
                new Output<?>[] {graph.ops().unwrap(x).asOutput()})[0];
    if (dx == null) {
      return HostTensor.wrap(
          graph.ops().floatType(), x.shape(), new double[Math.toIntExact(x.shape().size())]);
    }
    return graph.eval(dx);
  }

  @Override
  public void close() {
    graph.close();
  }
}
