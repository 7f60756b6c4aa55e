package io.pldr.tf.ops;

/**
 * What a graph is for. A training graph is differentiated: parameters are read through an identity
 * (gradients never see a reference type) and softmaxes go through a rank-2 view (the C++ gradients
 * of TensorFlow 2.18 are only right for rank 2). An inference graph takes no gradient and leaves
 * both out; it also packs linear weights ({@link PackedLinear}, stored transposed) and flattens
 * rows, so a decoding step runs fewer, larger nodes.
 */
public enum GraphMode {
  /** Gradients are taken. */
  TRAINING,
  /** Forward passes only. */
  INFERENCE
}
