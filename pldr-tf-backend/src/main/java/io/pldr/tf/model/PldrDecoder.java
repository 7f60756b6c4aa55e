package io.pldr.tf.model;

import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.attention.AttentionResult;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.ops.TfTensorOps;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * The PLDR-LLM v510 model from tokens to logits, reference parameter names:
 * <pre>
 *   x      = LN_D(embedding(tokens)·√D)                    [B, T, D]
 *   x      = decoder layer i (x), i = 0 … L−1
 *   logits = final_layer(x)                                [B, T, V]  (not tied)
 * </pre>
 */
public final class PldrDecoder {
  private final TfTensorOps ops;
  private final ModelConfig config;
  private final Operand<TFloating> embedding;
  private final LayerNorm embeddingNorm;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final Linear finalLayer;
  private final RotaryEmbedding rotary;
  private final Masks masks;

  /** What a forward graph computes, per layer the deductive outputs and attention logits. */
  public record Outputs(Operand<TFloating> logits, Operand<TFloating> decoderOutput,
      List<LayerGraph> layers) {}

  /** One layer's deductive outputs {@code [B or 1, H, d, d]} and attention logits. */
  public record LayerGraph(Operand<TFloating> aLm, Operand<TFloating> gLm,
      Operand<TFloating> attentionLogits) {}

  public PldrDecoder(TfTensorOps ops, ModelConfig config, TensorOperatorProvider operator,
      AttentionProvider attention) {
    this.ops = ops;
    this.config = config;
    int d = config.getDModel();
    this.embedding = ops.unwrap(ops.parameter("decoder.embedding.weight",
        Shape.of(config.getVocabSize(), d), new Initializer.Normal(0, 1)));
    for (int i = 0; i < config.getNumLayers(); i++) {
      layers.add(new DecoderLayer(ops, config, i, operator, attention));
    }
    this.embeddingNorm = new LayerNorm(ops, "decoder.layernorm1", d);
    this.finalLayer = new Linear(ops, "final_layer", d, config.getVocabSize());
    this.rotary = new RotaryEmbedding(ops, d / config.getNumHeads(), config.getMaxSeqLen());
    this.masks = new Masks(ops);
  }

  /** The forward graph over {@code tokens [B, T]} with the look-ahead and padding mask. */
  public Outputs forward(Operand<TInt64> tokens) {
    Ops tf = ops.tf();
    Operand<TFloating> x = tf.gather(embedding, tokens, tf.constant(0));
    x = tf.math.mul(x, ops.scalar(Math.sqrt(config.getDModel())));
    x = ops.unwrap(embeddingNorm.apply(ops.wrap(x)));
    Operand<TFloating> mask = masks.combined(tokens, config.getTokenIds().getPad());
    Operand<TInt32> length = tf.stridedSlice(tf.shape(tokens),
        org.tensorflow.ndarray.index.Indices.at(1));
    Operand<TInt32> positions = tf.range(tf.constant(0), length, tf.constant(1));
    List<LayerGraph> outs = new ArrayList<>();
    for (DecoderLayer layer : layers) {
      DecoderLayer.Output o = layer.apply(x, mask, rotary, positions);
      x = o.x();
      outs.add(layerGraph(o.attention()));
    }
    Operand<TFloating> logits = ops.unwrap(finalLayer.apply(ops.wrap(x)));
    return new Outputs(logits, x, outs);
  }

  private LayerGraph layerGraph(AttentionResult att) {
    DeductiveOutputs d = att.deductive().orElseThrow(() -> new IllegalStateException(
        "attention variant returned no deductive outputs"));
    return new LayerGraph(ops.unwrap(d.aLm()), ops.unwrap(d.gLm()), ops.unwrap(att.logits()));
  }
}
