package io.pldr.tf.model;

import io.pldr.api.config.ModelConfig;
import io.pldr.tf.ops.TfTensorOps;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * The reference's layout, for training graphs: every linear map a {@link Linear} of its own with
 * its weight {@code [out, in]}, rows {@code [B, T, D]}, q and k each rotated alone.
 */
public final class ReferenceLayout implements Layout {
  @Override
  public int rotaryParts() {
    return 1;
  }

  @Override
  public Operand<TFloating> rows(TfTensorOps ops, Operand<TFloating> x, int dModel) {
    return x;
  }

  @Override
  public Operand<TInt32> headShape(Ops tf, Operand<TInt32> batchAndLength, int heads, int depth) {
    return Frame.shape(tf, batchAndLength, heads, depth);
  }

  @Override
  public LayerMaps layer(TfTensorOps ops, ModelConfig config, String name) {
    return new Maps(ops, config, name);
  }

  @Override
  public OutputMap output(TfTensorOps ops, ModelConfig config) {
    Linear finalLayer = new Linear(ops, "final_layer", config.getDModel(), config.getVocabSize());
    return new OutputMap() {
      @Override
      public Operand<TFloating> logits(Operand<TFloating> rows, Frame frame) {
        return ops.unwrap(finalLayer.apply(ops.wrap(rows)));
      }

      @Override
      public Operand<TFloating> lastLogits(Operand<TFloating> rows, Frame frame) {
        Operand<TFloating> last =
            ops.tf().stridedSlice(rows, Indices.all(), Indices.at(-1), Indices.all());
        return ops.unwrap(finalLayer.apply(ops.wrap(last)));
      }

      @Override
      public Operand<TFloating> decoderOutput(Operand<TFloating> rows, Frame frame) {
        return rows;
      }
    };
  }

  /** {@code wq}, {@code wk}, {@code wv}, {@code dense} and the GLU {@code ffn}, each apart. */
  private static final class Maps implements LayerMaps {
    private static final int[] TO_HEADS = {0, 2, 1, 3}; // [B, T, H, d] ↔ [B, H, T, d]

    private final TfTensorOps ops;
    private final Linear wq;
    private final Linear wk;
    private final Linear wv;
    private final Linear dense;
    private final Glu ffn;

    Maps(TfTensorOps ops, ModelConfig config, String name) {
      this.ops = ops;
      int d = config.getDModel();
      String mha = name + ".mha1";
      this.wq = new Linear(ops, mha + ".wq", d, d);
      this.wk = new Linear(ops, mha + ".wk", d, d);
      this.wv = new Linear(ops, mha + ".wv", d, d);
      this.dense = new Linear(ops, mha + ".dense", d, d);
      this.ffn = new Glu(ops, name + ".ffn", d, config.getDff(), d);
    }

    @Override
    public Heads heads(Operand<TFloating> x, Frame frame) {
      Operand<TFloating> q = frame.rotary().rotate(split(wq, x, frame));
      Operand<TFloating> k = frame.rotary().rotate(split(wk, x, frame));
      return new Heads(toHeads(q), toHeads(k), toHeads(split(wv, x, frame)));
    }

    @Override
    public Operand<TFloating> project(Operand<TFloating> heads, Frame frame) {
      Operand<TFloating> merged = ops.tf().reshape(toHeads(heads), frame.modelShape());
      return ops.unwrap(dense.apply(ops.wrap(merged)));
    }

    @Override
    public Operand<TFloating> feedForward(Operand<TFloating> rows) {
      return ops.unwrap(ffn.apply(ops.wrap(rows)));
    }

    /** {@code x [B, T, D]} projected and split into heads {@code [B, T, H, d]}. */
    private Operand<TFloating> split(Linear projection, Operand<TFloating> x, Frame frame) {
      return ops.tf().reshape(ops.unwrap(projection.apply(ops.wrap(x))), frame.headShape());
    }

    private Operand<TFloating> toHeads(Operand<TFloating> x) {
      Ops tf = ops.tf();
      return tf.linalg.transpose(x, tf.constant(TO_HEADS));
    }
  }
}
