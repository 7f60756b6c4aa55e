package io.pldr.eval.metric;

import io.pldr.api.metric.Metric;
import java.util.Objects;

/** A metric with the name reports and TensorBoard give it. */
abstract class NamedMetric<T> implements Metric<T> {
  private final String name;

  NamedMetric(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public final String name() {
    return name;
  }
}
