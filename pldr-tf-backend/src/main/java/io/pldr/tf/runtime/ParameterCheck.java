package io.pldr.tf.runtime;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.HostTensor;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares a set of tensors with the parameters a model holds and fails on the first disagreement,
 * naming the tensor, what was expected and what was found.
 */
public final class ParameterCheck {
  private ParameterCheck() {}

  /**
   * Checks that {@code values} holds exactly {@code specs}; {@code source} names where the values
   * came from (a file, typically).
   */
  public static void check(
      Map<String, ParameterSpec> specs, Map<String, HostTensor> values, String source) {
    TreeSet<String> missing = new TreeSet<>(specs.keySet());
    missing.removeAll(values.keySet());
    if (!missing.isEmpty()) {
      ParameterSpec s = specs.get(missing.first());
      throw new IllegalArgumentException(
          source
              + ": missing tensor '"
              + s.name()
              + "' (expected shape "
              + s.shape()
              + ")"
              + (missing.size() > 1
                  ? "; "
                      + (missing.size() - 1)
                      + " more missing: "
                      + String.join(", ", missing.tailSet(missing.first(), false))
                  : ""));
    }
    TreeSet<String> unexpected = new TreeSet<>(values.keySet());
    unexpected.removeAll(specs.keySet());
    if (!unexpected.isEmpty()) {
      throw new IllegalArgumentException(
          source
              + ": unexpected tensor '"
              + unexpected.first()
              + "' (shape "
              + values.get(unexpected.first()).shape()
              + "): the model has no such parameter"
              + (unexpected.size() > 1 ? "; " + (unexpected.size() - 1) + " more unexpected" : ""));
    }
    for (ParameterSpec s : specs.values()) {
      HostTensor t = values.get(s.name());
      if (!t.dtype().isFloating()) {
        throw new IllegalArgumentException(
            source
                + ": tensor '"
                + s.name()
                + "' has dtype "
                + t.dtype()
                + ", expected a floating-point type (FLOAT32 or FLOAT64)");
      }
      if (!t.shape().equals(s.shape())) {
        throw new IllegalArgumentException(
            source
                + ": tensor '"
                + s.name()
                + "' has shape "
                + t.shape()
                + ", expected "
                + s.shape());
      }
    }
  }
}
