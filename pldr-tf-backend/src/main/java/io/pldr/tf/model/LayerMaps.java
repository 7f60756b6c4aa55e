package io.pldr.tf.model;

import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * The linear maps of one decoder layer, in the layout of the graph ({@link Layout}): the q, k, v
 * projections, {@code dense} after the heads are merged, and the GLU feed-forward network. Layers
 * take their rows ({@code x}) in the layout's shape.
 */
interface LayerMaps {
  /** Queries, keys and values {@code [B, H, T, d]} of rows {@code x}; q and k rotated. */
  Heads heads(Operand<TFloating> x, Frame frame);

  /** The heads' output {@code [B, H, T, d]} merged and projected by {@code dense}, as rows. */
  Operand<TFloating> project(Operand<TFloating> heads, Frame frame);

  /** The GLU feed-forward network of rows. */
  Operand<TFloating> feedForward(Operand<TFloating> rows);

  /** Queries, keys and values {@code [B, H, T, d]}. */
  record Heads(Operand<TFloating> q, Operand<TFloating> k, Operand<TFloating> v) {}
}
