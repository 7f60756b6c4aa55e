package io.pldr.train.observe;

import java.util.Objects;

/** A horizontal line on the loss plot with its legend label, e.g. the unigram entropy. */
public record ReferenceLine(String label, double value) {

  public ReferenceLine {
    Objects.requireNonNull(label, "label");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("reference value must be finite, got " + value);
    }
  }
}
