package io.pldr.api.model;

import io.pldr.api.tensor.HostTensor;

/**
 * One decoder layer's deductive outputs from a forward pass: A_LM and G_LM {@code [B or 1, H, d,
 * d]}, and the attention logits {@code Q·G_LM·Kᵀ/√d} {@code [B, H, T, T]} before the mask.
 */
public record LayerOutputs(HostTensor aLm, HostTensor gLm, HostTensor attentionLogits) {}
