package io.pldr.tf.model;

import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/** The final layer of the decoder in the layout of the graph ({@link Layout}). */
interface OutputMap {
  /** Logits {@code [B, T, V]} of the last layer's rows. */
  Operand<TFloating> logits(Operand<TFloating> rows, Frame frame);

  /**
   * Logits {@code [B, V]} of each row's last position only: a prompt pass needs no other, and the
   * final layer over every position is a large share of its work (T · D · V products).
   */
  Operand<TFloating> lastLogits(Operand<TFloating> rows, Frame frame);

  /** The last layer's rows as {@code [B, T, D]} (the decoder output). */
  Operand<TFloating> decoderOutput(Operand<TFloating> rows, Frame frame);
}
