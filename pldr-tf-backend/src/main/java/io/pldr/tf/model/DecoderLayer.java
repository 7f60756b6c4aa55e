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
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.PackedLinear;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * One post-norm decoder layer of PLDR-LLM v510, parameters {@code decoder.dec_layers.i.*}:
 *
 * <pre>
 *   q, k, v = Linear_D(x), split into heads          [B, T, H, d]
 *   q, k    = rotary(q), rotary(k)
 *   heads   = attention(q, k, v, mask, operator)     [B, H, T, d]
 *   x       = LN_D(x + dense(merge(heads)))          [B, T, D]
 *   x       = LN_D(x + GLU_{D→F→D}(x))
 * </pre>
 *
 * An inference graph ({@link GraphMode#INFERENCE}) computes the same with fewer, larger nodes (a
 * decoding step is bound by the number of nodes, not by arithmetic): x is {@code [B·T, D]}, q, k
 * and v come from one packed product and are rotated together (v by the angle 0), the GLU's two
 * input maps are one product, and every weight is stored transposed, the layout a product with one
 * row reads fastest. Training graphs keep the reference's layout, so their gradients are the
 * reference's to the last bit that matters.
 */
public final class DecoderLayer {
  private final TfTensorOps ops;
  private final int heads;
  private final int depth;
  private final int dModel;
  // training graphs
  private final Linear wq;
  private final Linear wk;
  private final Linear wv;
  private final Linear dense;
  private final Glu ffn;
  // inference graphs: q|k|v, dense, gluw1|gluw2 and gluw3, each one transposed product
  private final PackedLinear qkv;
  private final PackedLinear densePacked;
  private final PackedLinear gate;
  private final PackedLinear gateOut;
  private final Attention attention;
  private final LayerNorm norm1;
  private final LayerNorm norm2;

  /**
   * The layer's output ({@code [B, T, D]}; {@code [B·T, D]} in an inference graph), its attention
   * result, and its keys and values {@code [B, H, S, d]} (rotated; cached ones first) for a
   * KV-cache.
   */
  public record Output(
      Operand<TFloating> x,
      AttentionResult attention,
      Operand<TFloating> keys,
      Operand<TFloating> values) {}

  /**
   * What a layer takes from its caches: keys and values of earlier positions {@code [B, H, S, d]},
   * the prompt's refined metric tensor, the prompt's deductive outputs.
   */
  public record CacheInputs(
      Optional<Operand<TFloating>> keys,
      Optional<Operand<TFloating>> values,
      Optional<Operand<TFloating>> refinedMetric,
      Optional<DeductiveOutputs> deductive) {
    /** No cache: everything is computed. */
    public static CacheInputs none() {
      return new CacheInputs(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  public DecoderLayer(
      TfTensorOps ops,
      ModelConfig config,
      int index,
      TensorOperatorProvider operator,
      AttentionProvider attentionProvider) {
    this.ops = ops;
    this.heads = config.getNumHeads();
    this.dModel = config.getDModel();
    this.depth = dModel / heads;
    String name = "decoder.dec_layers." + index;
    String mha = name + ".mha1";
    boolean inference = ops.parameters().mode() == GraphMode.INFERENCE;
    ParameterRegistry registry = ops.parameters();
    this.wq = inference ? null : new Linear(ops, mha + ".wq", dModel, dModel);
    this.wk = inference ? null : new Linear(ops, mha + ".wk", dModel, dModel);
    this.wv = inference ? null : new Linear(ops, mha + ".wv", dModel, dModel);
    this.qkv =
        inference
            ? registry.packedLinear(
                dModel,
                List.of(
                    PackedLinear.Part.linear(mha + ".wq", dModel),
                    PackedLinear.Part.linear(mha + ".wk", dModel),
                    PackedLinear.Part.linear(mha + ".wv", dModel)))
            : null;
    OperatorContext layer = new OperatorContext(index, config, ops, mha);
    this.attention = attentionProvider.create(new AttentionContext(layer, operator.create(layer)));
    this.dense = inference ? null : new Linear(ops, mha + ".dense", dModel, dModel);
    this.densePacked =
        inference
            ? registry.packedLinear(
                dModel, List.of(PackedLinear.Part.linear(mha + ".dense", dModel)))
            : null;
    String ffnName = name + ".ffn";
    int dff = config.getDff();
    this.ffn = inference ? null : new Glu(ops, ffnName, dModel, dff, dModel);
    this.gate =
        inference
            ? registry.packedLinear(
                dModel,
                List.of(
                    PackedLinear.Part.linear(ffnName + ".gluw1", dff),
                    PackedLinear.Part.linear(ffnName + ".gluw2", dff)))
            : null;
    this.gateOut =
        inference
            ? registry.packedLinear(
                dff, List.of(PackedLinear.Part.linear(ffnName + ".gluw3", dModel)))
            : null;
    this.norm1 = new LayerNorm(ops, name + ".layernorm1", dModel);
    this.norm2 = new LayerNorm(ops, name + ".layernorm2", dModel);
  }

  /**
   * What every layer of one forward pass shares, computed once: the shapes {@code [B, T, D]},
   * {@code [B, T, H, d]} and {@code [B, T, H, d/2, 2]} of its new positions (in an inference graph:
   * {@code [B, T, D]}, q, k, v packed {@code [B, T, 3, H, d]}, and no pair shape), their rotary
   * table rows, and the attention mask, 1 where attention is forbidden, broadcastable to {@code [B,
   * H, T, S + T]}.
   */
  public record Frame(
      Operand<TInt32> modelShape,
      Operand<TInt32> headShape,
      Operand<TInt32> pairShape,
      RotaryEmbedding rotary,
      RotaryEmbedding.Rows rotaryRows,
      Operand<TFloating> mask) {}

  /**
   * {@code x [B, T, D]} ({@code [B·T, D]} in an inference graph) at the frame's positions; with
   * cached keys and values the queries attend to them and to their own keys.
   */
  public Output apply(Operand<TFloating> x, Frame frame, CacheInputs cache) {
    if (qkv != null) {
      return applyPacked(x, frame, cache);
    }
    Ops tf = ops.tf();
    Operand<TFloating> q = heads(wq, x, frame);
    Operand<TFloating> k = heads(wk, x, frame);
    Operand<TFloating> v = tf.reshape(ops.unwrap(wv.apply(ops.wrap(x))), frame.headShape());
    Operand<TInt32> toHeads = tf.constant(new int[] {0, 2, 1, 3});
    Attended a =
        attend(
            tf.linalg.transpose(q, toHeads),
            tf.linalg.transpose(k, toHeads),
            tf.linalg.transpose(v, toHeads),
            frame,
            cache);
    Operand<TFloating> merged =
        tf.reshape(
            tf.linalg.transpose(ops.<TFloating>unwrap(a.result().output()), toHeads),
            frame.modelShape());
    Operand<TFloating> h =
        ops.unwrap(norm1.apply(ops.add(ops.wrap(x), dense.apply(ops.wrap(merged)))));
    Operand<TFloating> out = ops.unwrap(norm2.apply(ops.add(ops.wrap(h), ffn.apply(ops.wrap(h)))));
    return new Output(out, a.result(), a.keys(), a.values());
  }

  /** An attention result and the keys and values {@code [B, H, S + T, d]} it attended to. */
  private record Attended(
      AttentionResult result, Operand<TFloating> keys, Operand<TFloating> values) {}

  /**
   * Attention of {@code q [B, H, T, d]} to the cached keys and values followed by the new {@code
   * k}, {@code v} {@code [B, H, T, d]}.
   */
  private Attended attend(
      Operand<TFloating> q,
      Operand<TFloating> k,
      Operand<TFloating> v,
      Frame frame,
      CacheInputs cache) {
    Ops tf = ops.tf();
    Operand<TFloating> keys = k;
    Operand<TFloating> values = v;
    if (cache.keys().isPresent()) {
      Operand<TInt32> seqAxis = tf.constant(2);
      keys = tf.concat(List.of(cache.keys().get(), k), seqAxis);
      values = tf.concat(List.of(cache.values().orElseThrow(), v), seqAxis);
    }
    AttentionResult att =
        attention.attend(
            new AttentionInputs(
                ops.wrap(q),
                ops.wrap(keys),
                ops.wrap(values),
                ops.wrap(frame.mask()),
                cache.refinedMetric().map(ops::wrap),
                cache.deductive()));
    return new Attended(att, keys, values);
  }

  /** The inference form of {@link #apply}: {@code x [B·T, D]} to {@code [B·T, D]}. */
  private Output applyPacked(Operand<TFloating> x, Frame frame, CacheInputs cache) {
    Ops tf = ops.tf();
    Operand<TFloating> packed = tf.reshape(qkv.apply(tf, x), frame.headShape());
    packed = frame.rotary().applyPacked(packed, frame.rotaryRows()); // v turned by 0
    // [B, T, 3, H, d] → [3, B, H, T, d] → q, k, v
    List<org.tensorflow.Output<TFloating>> split =
        tf.unstack(
                tf.linalg.transpose(packed, tf.constant(new int[] {2, 0, 3, 1, 4})),
                3L,
                Unstack.axis(0L))
            .output();
    Attended a = attend(split.get(0), split.get(1), split.get(2), frame, cache);
    Operand<TFloating> merged =
        tf.reshape(
            tf.linalg.transpose(
                ops.<TFloating>unwrap(a.result().output()), tf.constant(new int[] {0, 2, 1, 3})),
            tf.constant(new int[] {-1, dModel}));
    Operand<TFloating> h =
        ops.unwrap(norm1.apply(ops.wrap(tf.math.add(x, densePacked.apply(tf, merged)))));
    List<org.tensorflow.Output<TFloating>> halves =
        tf.split(tf.constant(1), gate.apply(tf, h), 2L).output();
    Operand<TFloating> gated =
        tf.math.mul(ops.<TFloating>unwrap(ops.silu(ops.wrap(halves.get(0)))), halves.get(1));
    Operand<TFloating> out =
        ops.unwrap(norm2.apply(ops.wrap(tf.math.add(h, gateOut.apply(tf, gated)))));
    return new Output(out, a.result(), a.keys(), a.values());
  }

  /** A projection of {@code x [B, T, D]} split into heads {@code [B, T, H, d]} and rotated. */
  private Operand<TFloating> heads(Linear projection, Operand<TFloating> x, Frame frame) {
    Operand<TFloating> split =
        ops.tf().reshape(ops.unwrap(projection.apply(ops.wrap(x))), frame.headShape());
    return frame.rotary().apply(split, frame.rotaryRows(), frame.headShape(), frame.pairShape());
  }
}
