package io.pldr.api.cache;

import io.pldr.api.tensor.HostTensor;
import java.util.Objects;

/**
 * One layer's KV-cache entry: rotated keys and values {@code [B, H, S, d]} of the S positions seen
 * so far, and the metric tensor A {@code [B, H, d, d]} of the prompt pass.
 */
public record LayerKv(HostTensor keys, HostTensor values, HostTensor metric) {
  public LayerKv {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
  }
}
