package io.pldr.api.attention;

import io.pldr.api.tensor.Tensor;
import java.util.Objects;

/**
 * Keys and values in the two parts a KV-cache step has them: the cache's C columns {@code [B, H, C,
 * d]} (columns past the cached positions are spare room, masked) and the T new positions' {@code
 * [B, H, T, d]}. {@link AttentionInputs#keys()} and {@link AttentionInputs#values()} are the parts
 * joined along the position axis, and the mask covers C + T columns in that order; a variant that
 * attends to the parts separately saves the copy of the whole cache that joining them costs at
 * every step.
 */
public record KeyValueParts(
    Tensor cachedKeys, Tensor cachedValues, Tensor newKeys, Tensor newValues) {
  public KeyValueParts {
    Objects.requireNonNull(cachedKeys, "cachedKeys");
    Objects.requireNonNull(cachedValues, "cachedValues");
    Objects.requireNonNull(newKeys, "newKeys");
    Objects.requireNonNull(newValues, "newValues");
  }
}
