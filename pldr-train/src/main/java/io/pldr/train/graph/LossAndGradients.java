package io.pldr.train.graph;

import io.pldr.api.model.ModelSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.train.optim.AdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TInt64;

/**
 * The training loss of a batch and its gradient for every parameter, from one backward pass, as the
 * reference writes them ({@code train.loss}, {@code grad.<parameter name>}).
 */
public record LossAndGradients(double loss, Map<String, HostTensor> gradients) {
  /**
   * Computes them for a model holding {@code parameters}, on {@code batch [B, T+1]} (inputs {@code
   * batch[:, :-1]}, targets {@code batch[:, 1:]}).
   */
  public static LossAndGradients compute(
      ModelSpec spec, Map<String, HostTensor> parameters, long[][] batch) {
    TrainingGraph g =
        new TrainingGraph(
            spec, new TrainingGraph.Clip.None(), new AdamW.Settings(0.9, 0.95, 1e-5, 0.1), 1);
    try (Session s = g.model().openSession()) {
      g.model().assign(s, parameters, "parameters");
      Session.Runner runner = s.runner().fetch(g.loss());
      List<String> names = new ArrayList<>(g.gradients().keySet());
      names.forEach(n -> runner.fetch(g.gradients().get(n)));
      try (TInt64 t = HostTensors.tokens(batch);
          Result r = runner.feed(g.batch(), t).run()) {
        Map<String, HostTensor> grads = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          grads.put(names.get(i), HostTensors.fromTensor(r.get(i + 1)));
        }
        return new LossAndGradients(HostTensors.fromTensor(r.get(0)).get(0), grads);
      }
    } finally {
      g.model().close();
    }
  }

  /** {@code train.loss} and {@code grad.<name>} for each parameter, as the reference names them. */
  public Map<String, HostTensor> referenceTensors() {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    out.put(
        "train.loss",
        HostTensor.wrap(
            io.pldr.api.tensor.DType.FLOAT64, io.pldr.api.tensor.Shape.of(1), new double[] {loss}));
    gradients.forEach((n, g) -> out.put("grad." + n, g));
    return out;
  }
}
