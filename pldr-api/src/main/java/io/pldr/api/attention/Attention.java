package io.pldr.api.attention;

/**
 * A layer's attention from queries, keys, values and mask. Power law graph attention computes
 * {@code softmax(Q·G_LM·Kᵀ/√d + mask·(−1e9))·V} with G_LM from the layer's tensor operator.
 *
 * <p>What the decoder relies on (pldr-api's test-jar checks it in {@code AttentionContract}):
 * cached deductive outputs in the inputs are used as given and not recomputed (G-cache); a cached
 * refined metric tensor replaces the metric tensor's computation (KV-cache); masked keys do not
 * change the output; the result's deductive outputs are the ones attention used.
 */
public interface Attention {
  /** Builds the attention computation for the given inputs. */
  AttentionResult attend(AttentionInputs inputs);
}
