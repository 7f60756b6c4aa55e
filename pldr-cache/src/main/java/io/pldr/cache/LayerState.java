package io.pldr.cache;

import org.tensorflow.Tensor;

/**
 * One layer's decoding state as native TensorFlow tensors: keys and values {@code [B, H, S, d]} of
 * the S positions seen, the prompt's refined metric tensor (null for constant operators), and the
 * prompt's A_LM and G_LM.
 */
record LayerState(Tensor keys, Tensor values, Tensor refinedMetric, Tensor aLm, Tensor gLm) {}
