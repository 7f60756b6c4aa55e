package io.pldr.tf.model;

import io.pldr.api.config.ModelConfig;
import io.pldr.tf.ops.PackedLinear;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * The inference layout: rows flattened to {@code [B·T, D]}; q|k|v one product rotated in one pass
 * (v by the angle 0), the GLU's two input maps one product, and every weight stored transposed,
 * {@code [in, out]} ({@link ParameterRegistry#packedLinear}), each part still a parameter under its
 * reference name.
 */
public final class PackedLayout implements Layout {
  @Override
  public int rotaryParts() {
    return 3;
  }

  @Override
  public Operand<TFloating> rows(TfTensorOps ops, Operand<TFloating> x, int dModel) {
    return ops.tf().reshape(x, ops.tf().constant(new int[] {-1, dModel}));
  }

  @Override
  public Operand<TInt32> headShape(Ops tf, Operand<TInt32> batchAndLength, int heads, int depth) {
    return Frame.shape(tf, batchAndLength, 3, heads, depth);
  }

  @Override
  public LayerMaps layer(TfTensorOps ops, ModelConfig config, String name) {
    return new Maps(ops, config, name);
  }

  @Override
  public OutputMap output(TfTensorOps ops, ModelConfig config) {
    int vocab = config.getVocabSize();
    PackedLinear finalLayer =
        ops.parameters()
            .packedLinear(
                config.getDModel(), List.of(PackedLinear.Part.linear("final_layer", vocab)));
    return new OutputMap() {
      @Override
      public Operand<TFloating> logits(Operand<TFloating> rows, Frame frame) {
        return ops.tf().reshape(finalLayer.apply(ops.tf(), rows), frame.shape(vocab));
      }

      @Override
      public Operand<TFloating> lastLogits(Operand<TFloating> rows, Frame frame) {
        Operand<TFloating> last =
            ops.tf()
                .stridedSlice(
                    decoderOutput(rows, frame), Indices.all(), Indices.at(-1), Indices.all());
        return finalLayer.apply(ops.tf(), last);
      }

      @Override
      public Operand<TFloating> decoderOutput(Operand<TFloating> rows, Frame frame) {
        return ops.tf().reshape(rows, frame.modelShape());
      }
    };
  }

  /** q|k|v, {@code dense}, gluw1|gluw2 and gluw3: each one transposed product. */
  private static final class Maps implements LayerMaps {
    private final TfTensorOps ops;
    private final int dModel;
    private final PackedLinear qkv;
    private final PackedLinear dense;
    private final PackedLinear gate;
    private final PackedLinear gateOut;

    Maps(TfTensorOps ops, ModelConfig config, String name) {
      this.ops = ops;
      this.dModel = config.getDModel();
      int dff = config.getDff();
      String mha = name + ".mha1";
      String ffn = name + ".ffn";
      ParameterRegistry registry = ops.parameters();
      this.qkv =
          registry.packedLinear(
              dModel,
              List.of(
                  PackedLinear.Part.linear(mha + ".wq", dModel),
                  PackedLinear.Part.linear(mha + ".wk", dModel),
                  PackedLinear.Part.linear(mha + ".wv", dModel)));
      this.dense =
          registry.packedLinear(dModel, List.of(PackedLinear.Part.linear(mha + ".dense", dModel)));
      this.gate =
          registry.packedLinear(
              dModel,
              List.of(
                  PackedLinear.Part.linear(ffn + ".gluw1", dff),
                  PackedLinear.Part.linear(ffn + ".gluw2", dff)));
      this.gateOut =
          registry.packedLinear(dff, List.of(PackedLinear.Part.linear(ffn + ".gluw3", dModel)));
    }

    @Override
    public Heads heads(Operand<TFloating> x, Frame frame) {
      Ops tf = ops.tf();
      Operand<TFloating> packed = tf.reshape(qkv.apply(tf, x), frame.headShape());
      packed = frame.rotary().rotate(packed); // v turned by the angle 0
      // [B, T, 3, H, d] → [3, B, H, T, d] → q, k, v
      List<org.tensorflow.Output<TFloating>> split =
          tf.unstack(
                  tf.linalg.transpose(packed, tf.constant(new int[] {2, 0, 3, 1, 4})),
                  3L,
                  Unstack.axis(0L))
              .output();
      return new Heads(split.get(0), split.get(1), split.get(2));
    }

    @Override
    public Operand<TFloating> project(Operand<TFloating> heads, Frame frame) {
      Ops tf = ops.tf();
      Operand<TFloating> merged =
          tf.reshape(
              tf.linalg.transpose(heads, tf.constant(new int[] {0, 2, 1, 3})),
              tf.constant(new int[] {-1, dModel}));
      return dense.apply(tf, merged);
    }

    @Override
    public Operand<TFloating> feedForward(Operand<TFloating> rows) {
      Ops tf = ops.tf();
      List<org.tensorflow.Output<TFloating>> halves =
          tf.split(tf.constant(1), gate.apply(tf, rows), 2L).output();
      Operand<TFloating> gated =
          tf.math.mul(ops.<TFloating>unwrap(ops.silu(ops.wrap(halves.get(0)))), halves.get(1));
      return gateOut.apply(tf, gated);
    }
  }
}
