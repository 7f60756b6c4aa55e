package io.pldr.train.observe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One line of {@code metrics.jsonl}: the step, the split, and named values in their order (e.g.
 * {@code loss}, {@code accuracy}, {@code lr}). Values may be non-finite (a diverged loss).
 */
public record MetricsEntry(long step, Split split, Map<String, Double> values) {

  public MetricsEntry {
    Objects.requireNonNull(split, "split");
    LinkedHashMap<String, Double> copy = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> {
          if (name.equals("step") || name.equals("split")) {
            throw new IllegalArgumentException("'" + name + "' is not a metric name");
          }
          copy.put(name, Objects.requireNonNull(value, name));
        });
    values = Collections.unmodifiableMap(copy);
  }

  /** The value of {@code name}, if recorded. */
  public OptionalDouble value(String name) {
    Double v = values.get(name);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }
}
