package io.pldr.tf.model;

import io.pldr.api.attention.AttentionResult;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.ops.Embedding;
import io.pldr.tf.ops.TfTensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * The PLDR-LLM v510 model from tokens to logits, reference parameter names:
 *
 * <pre>
 *   x      = LN_D(embedding(tokens)·√D)                    [B, T, D]
 *   x      = decoder layer i (x), i = 0 … L−1
 *   logits = final_layer(x)                                [B, T, V]  (not tied)
 * </pre>
 *
 * One forward method serves a whole sequence, a prompt and each decoding step: the positions
 * already in the layers' KV-caches are skipped. Weights and rows follow the graph's {@link Layout}.
 */
public final class PldrDecoder {
  private final TfTensorOps ops;
  private final ModelConfig config;
  private final Layout layout;
  private final Embedding embedding;
  private final LayerNorm embeddingNorm;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final OutputMap output;
  private final RotaryEmbedding rotary;
  private final Masks masks;

  /**
   * What a forward graph computes: logits {@code [B, T, V]}, the last position's alone {@code [B,
   * V]} (computed apart: fetching only them skips the final layer at every other position), the
   * decoder output, and per layer the deductive outputs and attention logits.
   */
  public record Outputs(
      Operand<TFloating> logits,
      Operand<TFloating> lastLogits,
      Operand<TFloating> decoderOutput,
      List<LayerGraph> layers) {}

  /**
   * One layer's deductive outputs {@code [B or 1, H, d, d]}, attention logits and weights E {@code
   * [B, H, T, N]} (E the softmax of the masked logits), keys and values {@code [B, H, N, d]}
   * (cached ones included), the refined metric tensor it computed (absent when it had none to
   * compute), and the potential tensor A_P (absent unless the operator has one and computed it).
   */
  public record LayerGraph(
      Operand<TFloating> aLm,
      Operand<TFloating> gLm,
      Operand<TFloating> attentionLogits,
      Operand<TFloating> attentionWeights,
      Operand<TFloating> keys,
      Operand<TFloating> values,
      Optional<Operand<TFloating>> refinedMetric,
      Optional<Operand<TFloating>> potential) {}

  public PldrDecoder(TfTensorOps ops, ModelSpec spec, Layout layout) {
    this.ops = ops;
    this.config = spec.config();
    this.layout = layout;
    int d = config.getDModel();
    this.embedding =
        ops.parameters()
            .embedding(
                "decoder.embedding.weight",
                Shape.of(config.getVocabSize(), d),
                new Initializer.Normal(0, 1));
    for (int i = 0; i < config.getNumLayers(); i++) {
      layers.add(new DecoderLayer(ops, spec, layout, i));
    }
    this.embeddingNorm = new LayerNorm(ops, "decoder.layernorm1", d);
    this.output = layout.output(ops, config);
    this.rotary = RotaryEmbedding.of(ops, config, layout.rotaryParts());
    this.masks = new Masks(ops);
  }

  /** The forward graph over {@code tokens [B, T]} with the look-ahead and padding mask. */
  public Outputs forward(Operand<TInt64> tokens) {
    List<DecoderLayer.CacheInputs> none = new ArrayList<>();
    layers.forEach(l -> none.add(DecoderLayer.CacheInputs.none()));
    return forward(
        tokens, ops.tf().constant(0), ops.tf().constant(new int[] {0}), none, Optional.empty());
  }

  /**
   * The forward graph over {@code tokens [B, N]} whose first {@code cachedLength} positions are in
   * the layers' KV-caches (0 without): only the last N − cachedLength positions are computed, at
   * their positions, attending to every earlier key (padding keys masked). With KV-caches, whose C
   * columns may be more than the cached positions (spare room), {@code cacheMask [B, 1, N − S, C +
   * N − S]} is the mask over the caches' columns and then the new positions (the caller knows which
   * columns are padding or spare; every layer's cache has as many columns). Rows may be padded on
   * the left: row b's first {@code offsets[b]} columns are padding (masked as keys), so its token
   * in column c sits at position c − offsets[b]; rotary attention depends only on differences of
   * positions, so a left-padded row computes what it computes alone. {@code offsets [B]} or {@code
   * [1]}.
   */
  public Outputs forward(
      Operand<TInt64> tokens,
      Operand<TInt32> cachedLength,
      Operand<TInt32> offsets,
      List<DecoderLayer.CacheInputs> caches,
      Optional<Operand<TFloating>> cacheMask) {
    Ops tf = ops.tf();
    Operand<TInt32> length = tf.stridedSlice(tf.shape(tokens), Indices.at(1));
    Operand<TInt64> fresh =
        tf.slice(
            tokens,
            tf.stack(List.of(tf.constant(0), cachedLength)),
            tf.constant(new int[] {-1, -1}));
    Operand<TInt32> batchAndLength = tf.shape(fresh);
    int d = config.getDModel();
    Operand<TFloating> x = embedding.lookup(tf, fresh);
    x = tf.math.mul(x, ops.scalar(Math.sqrt(d)));
    x = ops.unwrap(embeddingNorm.apply(ops.wrap(x)));
    if (caches.get(0).keys().isPresent() != cacheMask.isPresent()) {
      throw new IllegalArgumentException("KV-caches need their mask, and only they take one");
    }
    // [B, 1, N−S, N]: rows of the look-ahead mask for the computed positions, and padding keys
    Operand<TFloating> mask =
        cacheMask.orElseGet(
            () ->
                tf.math.maximum(
                    masks.padding(tokens, config.getTokenIds().getPad()),
                    masks.lookAheadRows(cachedLength, length)));
    // [B or 1, N−S]: each row's positions, padding columns clamped to 0
    Operand<TInt32> positions =
        tf.math.maximum(
            tf.math.sub(
                tf.expandDims(tf.range(cachedLength, length, tf.constant(1)), tf.constant(0)),
                tf.expandDims(offsets, tf.constant(1))),
            tf.constant(0));
    int heads = config.getNumHeads();
    Frame frame =
        new Frame(
            tf,
            batchAndLength,
            Frame.shape(tf, batchAndLength, d),
            layout.headShape(tf, batchAndLength, heads, d / heads),
            rotary.at(positions),
            mask);
    x = layout.rows(ops, x, d);
    List<LayerGraph> outs = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      DecoderLayer.Output o = layers.get(i).apply(x, frame, caches.get(i));
      x = o.x();
      outs.add(layerGraph(o));
    }
    return new Outputs(
        output.logits(x, frame), output.lastLogits(x, frame), output.decoderOutput(x, frame), outs);
  }

  /** Number of decoder layers. */
  public int numLayers() {
    return layers.size();
  }

  private LayerGraph layerGraph(DecoderLayer.Output o) {
    AttentionResult att = o.attention();
    DeductiveOutputs d = att.deductive();
    return new LayerGraph(
        ops.unwrap(d.aLm()),
        ops.unwrap(d.gLm()),
        ops.unwrap(att.logits()),
        ops.unwrap(att.weights()),
        o.keys(),
        o.values(),
        att.metric().map(ops::<TFloating>unwrap),
        d.potential().map(ops::<TFloating>unwrap));
  }
}
