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

  /**
   * Assigns every variable; {@code values} must hold exactly them (checked first). One run per
   * variable, so that no more than one variable's copy is in native memory at a time.
   */
  public static void assign(
      Session session, ParameterRegistry registry, Map<String, HostTensor> values, String source) {
    Map<String, ParameterSpec> specs = new LinkedHashMap<>();
    registry.all().forEach((n, p) -> specs.put(n, p.spec()));
    ParameterCheck.check(specs, values, source);
    if (!registry.preloads().isEmpty()) {
      Session.Runner preload = session.runner();
      registry.preloads().forEach(preload::addTarget);
      preload.run().close();
    }
    for (Parameter p : registry.all().values()) {
      try (Tensor t = HostTensors.toTensor(values.get(p.spec().name()), registry.dtype())) {
        session.runner().feed(p.feed(), t).addTarget(p.assign()).run().close();
      }
    }
  }

  /** The current value of every variable, in registry order. */
  public static Map<String, HostTensor> read(Session session, ParameterRegistry registry) {
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(registry.all().keySet());
    names.forEach(n -> runner.fetch(registry.all().get(n).stored()));
    Map<String, HostTensor> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), HostTensors.fromTensor(r.get(i)));
      }
    }
    return out;
  }
}
