package io.pldr.tf.model;

import io.pldr.api.config.ModelConfig;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.TfTensorOps;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * How a graph lays out the decoder's linear maps and rows, chosen once per graph from its mode:
 *
 * <ul>
 *   <li>{@link ReferenceLayout} (training graphs): every map a parameter of its own in the
 *       reference's {@code [out, in]} layout, rows {@code [B, T, D]}, q and k rotated apart. The
 *       gradients are the reference's to the last bit that matters: packing changes the order of
 *       floating-point sums in the backward pass.
 *   <li>{@link PackedLayout} (inference graphs): fewer, larger nodes, since a decoding step is
 *       bound by the number of nodes, not by arithmetic. q|k|v is one product, as are the GLU's two
 *       input maps; every weight is stored transposed, {@code [in, out]}, the layout a product with
 *       one row reads fastest; rows are flattened to {@code [B·T, D]}; q, k and v are rotated in
 *       one pass.
 * </ul>
 *
 * Both hold each weight under its reference name, so checkpoints load into either.
 */
public sealed interface Layout permits ReferenceLayout, PackedLayout {
  /** The layout of a graph for {@code mode}. */
  static Layout of(GraphMode mode) {
    return mode == GraphMode.TRAINING ? new ReferenceLayout() : new PackedLayout();
  }

  /** Tensors the rotary table rotates in one pass: 1 (q, k each alone) or 3 (q, k, v packed). */
  int rotaryParts();

  /** The embedded rows {@code [B, T, D]} as layers take them. */
  Operand<TFloating> rows(TfTensorOps ops, Operand<TFloating> x, int dModel);

  /**
   * The shape the q, k, v projections are split into heads with, for {@code batchAndLength} {@code
   * [B, T]}.
   */
  Operand<TInt32> headShape(Ops tf, Operand<TInt32> batchAndLength, int heads, int depth);

  /** The maps of the layer named {@code name} (e.g. {@code decoder.dec_layers.0}). */
  LayerMaps layer(TfTensorOps ops, ModelConfig config, String name);

  /** The final layer ({@code final_layer.*}). */
  OutputMap output(TfTensorOps ops, ModelConfig config);
}
