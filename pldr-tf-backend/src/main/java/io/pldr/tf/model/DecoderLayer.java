package io.pldr.tf.model;

import io.pldr.api.attention.Attention;
import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionInputs;
import io.pldr.api.attention.AttentionResult;
import io.pldr.api.attention.KeyValueParts;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.tf.ops.TfTensorOps;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * One post-norm decoder layer of PLDR-LLM v510, parameters {@code decoder.dec_layers.i.*}:
 *
 * <pre>
 *   q, k, v = Linear_D(x), split into heads          [B, H, T, d]
 *   q, k    = rotary(q), rotary(k)
 *   heads   = attention(q, k, v, mask, operator)     [B, H, T, d]
 *   x       = LN_D(x + dense(merge(heads)))          rows
 *   x       = LN_D(x + GLU_{D→F→D}(x))
 * </pre>
 *
 * The linear maps and the rows' shape follow the graph's {@link Layout}; the residual structure,
 * the norms, the caches and the attention are the same in both.
 */
public final class DecoderLayer {
  private final TfTensorOps ops;
  private final LayerMaps maps;
  private final Attention attention;
  private final LayerNorm norm1;
  private final LayerNorm norm2;

  /**
   * The layer's output rows, its attention result, and the keys and values {@code [B, H, T, d]} of
   * the positions it computed (rotated), which a KV-cache keeps.
   */
  public record Output(
      Operand<TFloating> x,
      AttentionResult attention,
      Operand<TFloating> keys,
      Operand<TFloating> values) {}

  /**
   * What a layer takes from its caches: the KV-cache's keys and values {@code [B, H, C, d]} (its C
   * columns hold the earlier positions first, then spare room the mask covers), the prompt's
   * refined metric tensor, the prompt's deductive outputs.
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

  /** Layer {@code index} of {@code spec}'s model, its maps in {@code layout}. */
  public DecoderLayer(TfTensorOps ops, ModelSpec spec, Layout layout, int index) {
    this.ops = ops;
    ModelConfig config = spec.config();
    String name = "decoder.dec_layers." + index;
    this.maps = layout.layer(ops, config, name);
    OperatorContext layer = new OperatorContext(index, config, ops, name + ".mha1");
    this.attention =
        spec.attention().create(new AttentionContext(layer, spec.operator().create(layer)));
    this.norm1 = new LayerNorm(ops, name + ".layernorm1", config.getDModel());
    this.norm2 = new LayerNorm(ops, name + ".layernorm2", config.getDModel());
  }

  /**
   * Rows {@code x} at the frame's positions; with cached keys and values the queries attend to them
   * and to their own keys (the frame's mask then covers the cache's columns, then the new ones).
   */
  public Output apply(Operand<TFloating> x, Frame frame, CacheInputs cache) {
    Ops tf = ops.tf();
    LayerMaps.Heads heads = maps.heads(x, frame);
    Operand<TFloating> keys = heads.k();
    Operand<TFloating> values = heads.v();
    Optional<KeyValueParts> parts = Optional.empty();
    if (cache.keys().isPresent()) {
      Operand<TFloating> cachedKeys = cache.keys().get();
      Operand<TFloating> cachedValues = cache.values().orElseThrow();
      parts =
          Optional.of(
              new KeyValueParts(
                  ops.wrap(cachedKeys), ops.wrap(cachedValues), ops.wrap(keys), ops.wrap(values)));
      // joined for variants that read them whole; a variant that takes the parts never runs this
      Operand<TInt32> seqAxis = tf.constant(2);
      keys = tf.concat(List.of(cachedKeys, keys), seqAxis);
      values = tf.concat(List.of(cachedValues, values), seqAxis);
    }
    AttentionResult att =
        attention.attend(
            new AttentionInputs(
                ops.wrap(heads.q()),
                ops.wrap(keys),
                ops.wrap(values),
                ops.wrap(frame.mask()),
                cache.refinedMetric().map(ops::wrap),
                cache.deductive(),
                parts));
    Operand<TFloating> h =
        norm(norm1, tf.math.add(x, maps.project(ops.unwrap(att.output()), frame)));
    Operand<TFloating> out = norm(norm2, tf.math.add(h, maps.feedForward(h)));
    return new Output(out, att, heads.k(), heads.v());
  }

  private Operand<TFloating> norm(LayerNorm norm, Operand<TFloating> x) {
    return ops.unwrap(norm.apply(ops.wrap(x)));
  }
}
