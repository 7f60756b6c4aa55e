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
 * replace their computation.
 */
public record AttentionInputs(
    Tensor queries,
    Tensor keys,
    Tensor values,
    Tensor mask,
    Optional<Tensor> cachedMetric,
    Optional<DeductiveOutputs> cachedDeductive) {
  public AttentionInputs {
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(cachedMetric, "cachedMetric");
    Objects.requireNonNull(cachedDeductive, "cachedDeductive");
  }

  /** Inputs with no cache. */
  public static AttentionInputs of(Tensor queries, Tensor keys, Tensor values, Tensor mask) {
    return new AttentionInputs(queries, keys, values, mask, Optional.empty(), Optional.empty());
  }
}
