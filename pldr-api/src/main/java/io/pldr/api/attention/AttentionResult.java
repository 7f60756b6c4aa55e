package io.pldr.api.attention;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.tensor.Tensor;
import java.util.Objects;
import java.util.Optional;

/**
 * One layer's attention result: the heads' output {@code [B, H, T, d]} (before the heads are merged
 * and projected), the attention logits {@code [B, H, T, S]} before the mask, the refined metric
 * tensor it computed (what a KV-cache keeps; absent when none was needed or it came from a cache)
 * and the deductive outputs it used (absent for variants without a tensor operator).
 */
public record AttentionResult(
    Tensor output, Tensor logits, Optional<Tensor> metric, Optional<DeductiveOutputs> deductive) {
  public AttentionResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(deductive, "deductive");
  }
}
