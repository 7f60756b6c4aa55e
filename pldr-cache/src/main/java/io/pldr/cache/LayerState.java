package io.pldr.cache;

import java.util.Optional;
import org.tensorflow.Tensor;

/**
 * One layer's decoding state as native TensorFlow tensors: keys and values {@code [B, H, S, d]} of
 * the S positions seen, the prompt's refined metric tensor (for a metric operator's prompt pass;
 * {@code kv} steps read it), and the prompt's A_LM and G_LM.
 */
record LayerState(
    Tensor keys, Tensor values, Optional<Tensor> refinedMetric, Tensor aLm, Tensor gLm) {}
