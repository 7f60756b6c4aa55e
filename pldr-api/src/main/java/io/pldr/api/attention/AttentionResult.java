package io.pldr.api.attention;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.tensor.Tensor;
import java.util.Objects;
import java.util.Optional;

/**
 * One layer's attention result: the heads' output {@code [B, H, T, d]} (before the heads are merged
 * and projected), the attention logits {@code [B, H, T, S]} before the mask, the attention weights
 * E {@code [B, H, T, S]} the values were averaged with (the softmax of the masked logits: each row
 * sums to 1, masked keys weigh nothing), the deductive outputs A_LM and G_LM it attended with
 * (every PLDR-LLM attention has them: scaled dot-product attention is the case G_LM = I; the
 * G-cache keeps them), and the refined metric tensor it computed (what a KV-cache keeps: present
 * exactly when its operator reads the metric tensor and the inputs did not bring a cached one).
 */
public record AttentionResult(
    Tensor output,
    Tensor logits,
    Tensor weights,
    DeductiveOutputs deductive,
    Optional<Tensor> metric) {
  public AttentionResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(deductive, "deductive");
    Objects.requireNonNull(metric, "metric");
  }
}
