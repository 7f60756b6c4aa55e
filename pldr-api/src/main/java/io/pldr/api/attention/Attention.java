package io.pldr.api.attention;

/**
 * A layer's attention from queries, keys, values and mask. Power law graph attention computes
 * {@code softmax(Q·G_LM·Kᵀ/√d + mask·(−1e9))·V} with G_LM from the layer's tensor operator.
 */
public interface Attention {
  /** Builds the attention computation for the given inputs. */
  AttentionResult attend(AttentionInputs inputs);
}
