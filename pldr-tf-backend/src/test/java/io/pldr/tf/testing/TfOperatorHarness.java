package io.pldr.tf.testing;

import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.ops.Parameter;
import java.util.Map;
import org.tensorflow.Output;

/** The TensorFlow backend's {@link OperatorHarness}: a {@link TestGraph} and its gradients. */
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
  public HostTensor eval(Tensor t) {
    return graph.eval(t);
  }

  @Override
  public boolean finiteGradients(Tensor loss) {
    Map<String, Parameter> params = graph.ops().parameters().all();
    if (params.isEmpty()) {
      return Double.isFinite(eval(loss).maxAbs());
    }
    Output<?>[] xs =
        params.values().stream().map(p -> p.value().asOutput()).toArray(Output<?>[]::new);
    Output<?>[] grads = graph.graph().addGradients(graph.ops().unwrap(loss).asOutput(), xs);
    for (Output<?> g : grads) {
      if (g == null || !Double.isFinite(graph.eval(g).maxAbs())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    graph.close();
  }
}
