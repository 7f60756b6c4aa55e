package io.pldr.api.attention;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.tensor.Tensor;
import java.util.Objects;
import java.util.Optional;

/**
 * One layer's attention inputs after the head split and rotary embedding: queries {@code [B, H, T,
 * d]}, keys and values {@code [B, H, S, d]} (S ≥ T under a KV-cache), and the mask, broadcastable
 * to {@code [B, H, T, S]}, 1 where attention is forbidden. A cached refined metric tensor
 * (KV-cache: the metric learner's output for the prompt) or cached deductive outputs (G-cache)
 * replace their computation. Under a KV-cache, {@code parts} has the keys and values as the cache's
 * columns and the new positions' ({@link KeyValueParts}): attending to them without joining them is
 * an optimisation a variant may make; {@code keys} and {@code values} always hold both.
 */
public record AttentionInputs(
    Tensor queries,
    Tensor keys,
    Tensor values,
    Tensor mask,
    Optional<Tensor> cachedMetric,
    Optional<DeductiveOutputs> cachedDeductive,
    Optional<KeyValueParts> parts) {
  public AttentionInputs {
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(cachedMetric, "cachedMetric");
    Objects.requireNonNull(cachedDeductive, "cachedDeductive");
    Objects.requireNonNull(parts, "parts");
  }

  /** Inputs whose keys and values come in one piece. */
  public AttentionInputs(
      Tensor queries,
      Tensor keys,
      Tensor values,
      Tensor mask,
      Optional<Tensor> cachedMetric,
      Optional<DeductiveOutputs> cachedDeductive) {
    this(queries, keys, values, mask, cachedMetric, cachedDeductive, Optional.empty());
  }

  /** Inputs with no cache. */
  public static AttentionInputs of(Tensor queries, Tensor keys, Tensor values, Tensor mask) {
    return new AttentionInputs(
        queries, keys, values, mask, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
