package io.pldr.tf.model;

import io.pldr.api.attention.Attention;
import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionInputs;
import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.attention.AttentionResult;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.ops.TfTensorOps;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * One post-norm decoder layer of PLDR-LLM v510, parameters {@code decoder.dec_layers.i.*}:
 * <pre>
 *   q, k, v = Linear_D(x), split into heads          [B, T, H, d]
 *   q, k    = rotary(q), rotary(k)
 *   heads   = attention(q, k, v, mask, operator)     [B, H, T, d]
 *   x       = LN_D(x + dense(merge(heads)))          [B, T, D]
 *   x       = LN_D(x + GLU_{D→F→D}(x))
 * </pre>
 */
public final class DecoderLayer {
  private final TfTensorOps ops;
  private final int heads;
  private final int depth;
  private final int dModel;
  private final Linear wq;
  private final Linear wk;
  private final Linear wv;
  private final Attention attention;
  private final Linear dense;
  private final Glu ffn;
  private final LayerNorm norm1;
  private final LayerNorm norm2;

  /**
   * The layer's output, its attention result, and its keys and values {@code [B, H, S, d]}
   * (rotated; cached ones first) for a KV-cache.
   */
  public record Output(Operand<TFloating> x, AttentionResult attention, Operand<TFloating> keys,
      Operand<TFloating> values) {}

  /**
   * What a layer takes from its caches: keys and values of earlier positions
   * {@code [B, H, S, d]}, the prompt's refined metric tensor, the prompt's deductive outputs.
   */
  public record CacheInputs(Optional<Operand<TFloating>> keys, Optional<Operand<TFloating>> values,
      Optional<Operand<TFloating>> refinedMetric, Optional<DeductiveOutputs> deductive) {
    /** No cache: everything is computed. */
    public static CacheInputs none() {
      return new CacheInputs(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty());
    }
  }

  public DecoderLayer(TfTensorOps ops, ModelConfig config, int index,
      TensorOperatorProvider operator, AttentionProvider attentionProvider) {
    this.ops = ops;
    this.heads = config.getNumHeads();
    this.dModel = config.getDModel();
    this.depth = dModel / heads;
    String name = "decoder.dec_layers." + index;
    String mha = name + ".mha1";
    this.wq = new Linear(ops, mha + ".wq", dModel, dModel);
    this.wk = new Linear(ops, mha + ".wk", dModel, dModel);
    this.wv = new Linear(ops, mha + ".wv", dModel, dModel);
    OperatorContext layer = new OperatorContext(index, config, ops, mha);
    this.attention = attentionProvider.create(new AttentionContext(layer, operator.create(layer)));
    this.dense = new Linear(ops, mha + ".dense", dModel, dModel);
    this.ffn = new Glu(ops, name + ".ffn", dModel, config.getDff(), dModel);
    this.norm1 = new LayerNorm(ops, name + ".layernorm1", dModel);
    this.norm2 = new LayerNorm(ops, name + ".layernorm2", dModel);
  }

  /**
   * What every layer of one forward pass shares, computed once: the shapes {@code [B, T, D]},
   * {@code [B, T, H, d]} and {@code [B, T, H, d/2, 2]} of its new positions, their rotary table
   * rows, and the attention mask, 1 where attention is forbidden, broadcastable to
   * {@code [B, H, T, S + T]}.
   */
  public record Frame(Operand<TInt32> modelShape, Operand<TInt32> headShape,
      Operand<TInt32> pairShape, RotaryEmbedding rotary, RotaryEmbedding.Rows rotaryRows,
      Operand<TFloating> mask) {}

  /**
   * {@code x [B, T, D]} at the frame's positions; with cached keys and values the queries attend
   * to them and to their own keys.
   */
  public Output apply(Operand<TFloating> x, Frame frame, CacheInputs cache) {
    Ops tf = ops.tf();
    Operand<TFloating> q = heads(wq, x, frame);
    Operand<TFloating> k = heads(wk, x, frame);
    Operand<TFloating> v = tf.reshape(ops.unwrap(wv.apply(ops.wrap(x))), frame.headShape());
    Operand<TInt32> toHeads = tf.constant(new int[] {0, 2, 1, 3});
    Operand<TFloating> keys = tf.linalg.transpose(k, toHeads);
    Operand<TFloating> values = tf.linalg.transpose(v, toHeads);
    if (cache.keys().isPresent()) {
      Operand<TInt32> seqAxis = tf.constant(2);
      keys = tf.concat(List.of(cache.keys().get(), keys), seqAxis);
      values = tf.concat(List.of(cache.values().orElseThrow(), values), seqAxis);
    }
    AttentionResult att = attention.attend(new AttentionInputs(
        ops.wrap(tf.linalg.transpose(q, toHeads)), ops.wrap(keys), ops.wrap(values),
        ops.wrap(frame.mask()), cache.refinedMetric().map(ops::wrap), cache.deductive()));
    Operand<TFloating> merged = tf.reshape(
        tf.linalg.transpose(ops.<TFloating>unwrap(att.output()), toHeads), frame.modelShape());
    Operand<TFloating> h = ops.unwrap(norm1.apply(
        ops.add(ops.wrap(x), dense.apply(ops.wrap(merged)))));
    Operand<TFloating> out = ops.unwrap(norm2.apply(
        ops.add(ops.wrap(h), ffn.apply(ops.wrap(h)))));
    return new Output(out, att, keys, values);
  }

  /** A projection of {@code x [B, T, D]} split into heads {@code [B, T, H, d]} and rotated. */
  private Operand<TFloating> heads(Linear projection, Operand<TFloating> x, Frame frame) {
    Operand<TFloating> split = ops.tf().reshape(ops.unwrap(projection.apply(ops.wrap(x))),
        frame.headShape());
    return frame.rotary().apply(split, frame.rotaryRows(), frame.headShape(), frame.pairShape());
  }
}
