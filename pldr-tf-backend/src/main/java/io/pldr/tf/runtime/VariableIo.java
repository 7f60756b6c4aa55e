package io.pldr.tf.runtime;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/** Loads values into, and reads values out of, the variables of a registry in one run each. */
public final class VariableIo {
  private VariableIo() {}

  /** Assigns every variable; {@code values} must hold exactly them (checked first). */
  public static void assign(Session session, ParameterRegistry registry,
      Map<String, HostTensor> values, String source) {
    Map<String, ParameterSpec> specs = new LinkedHashMap<>();
    registry.all().forEach((n, p) -> specs.put(n, p.spec()));
    ParameterCheck.check(specs, values, source);
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Parameter p : registry.all().values()) {
        Tensor t = HostTensors.toTensor(values.get(p.spec().name()), registry.dtype());
        fed.add(t);
        runner.feed(p.feed(), t).addTarget(p.assign());
      }
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** The current value of every variable, in registry order. */
  public static Map<String, HostTensor> read(Session session, ParameterRegistry registry) {
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(registry.all().keySet());
    names.forEach(n -> runner.fetch(registry.all().get(n).variable()));
    Map<String, HostTensor> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), HostTensors.fromTensor(r.get(i)));
      }
    }
    return out;
  }
}
