package io.pldr.tf.attention;

import io.pldr.api.attention.Attention;
import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionInputs;
import io.pldr.api.attention.AttentionResult;
import io.pldr.api.attention.KeyValueParts;
import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.MetricOperator;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.model.LayerNorm;
import java.util.List;
import java.util.Optional;

/**
 * Power law graph attention:
 *
 * <pre>
 *   A          = operator.refine(LN_d(Σ_t q_tᵀ q_t))  [B, H, d, d]  (a metric operator only)
 *   A_LM, G_LM = operator.deduce(A)                   [B or 1, H, d, d]
 *   logits     = Q·G_LM·Kᵀ / √d                       [B, H, T, S]
 *   out        = softmax(logits + mask·(−1e9))·V      [B, H, T, d]
 * </pre>
 *
 * With the identity operator this is scaled dot-product attention. A cached refined metric
 * (KV-cache) or cached deductive outputs (G-cache) replace their computation: with a G-cache none
 * of the metric tensor, the metric learner or the power law is in the computation.
 */
public final class PowerLawGraphAttention implements Attention {
  /** What a masked logit is pushed down by, as in the reference. */
  public static final double MASK_PENALTY = -1e9;

  private final TensorOps ops;
  private final Deduction deduction;
  private final double scale;

  public PowerLawGraphAttention(AttentionContext ctx) {
    this.ops = ctx.layer().ops();
    this.deduction =
        ctx.operator() instanceof MetricOperator m
            ? new FromMetric(ctx.layer(), m)
            : new Constant((ConstantOperator) ctx.operator());
    this.scale = 1.0 / Math.sqrt(ctx.layer().depth());
  }

  @Override
  public AttentionResult attend(AttentionInputs in) {
    Deduced d =
        in.cachedDeductive()
            .map(cached -> new Deduced(cached, Optional.<Tensor>empty()))
            .orElseGet(() -> deduction.deduce(in));
    Tensor metricQueries = ops.matmul(in.queries(), d.outputs().gLm());
    if (in.parts().isPresent()) {
      // a KV-cache step: the cache's columns and the new ones apart, the cache never copied
      KeyValueParts p = in.parts().get();
      Tensor cached = ops.matmul(metricQueries, p.cachedKeys(), false, true);
      Tensor fresh = ops.matmul(metricQueries, p.newKeys(), false, true);
      Tensor logits = ops.scale(ops.concat(3, cached, fresh), scale);
      Tensor weights = softmax(logits, in.mask());
      List<Tensor> w = ops.split(weights, 3, cached, fresh);
      Tensor output =
          ops.add(ops.matmul(w.get(0), p.cachedValues()), ops.matmul(w.get(1), p.newValues()));
      return new AttentionResult(output, logits, weights, d.outputs(), d.metric());
    }
    Tensor logits = ops.scale(ops.matmul(metricQueries, in.keys(), false, true), scale);
    Tensor weights = softmax(logits, in.mask());
    Tensor output = ops.matmul(weights, in.values());
    return new AttentionResult(output, logits, weights, d.outputs(), d.metric());
  }

  /** The attention weights: softmax over the keys, masked keys pushed down. */
  private Tensor softmax(Tensor logits, Tensor mask) {
    return ops.softmax(ops.add(logits, ops.scale(mask, MASK_PENALTY)));
  }

  /** Deductive outputs, and the refined metric tensor computed for them (if any). */
  private record Deduced(DeductiveOutputs outputs, Optional<Tensor> metric) {}

  /** Where a layer's deductive outputs come from when the inputs bring none. */
  private interface Deduction {
    Deduced deduce(AttentionInputs in);
  }

  /** A metric operator: A = LN_d(qᵀ·q) over every position of the input (or the cached A). */
  private static final class FromMetric implements Deduction {
    private final TensorOps ops;
    private final MetricOperator operator;
    private final LayerNorm norm;

    FromMetric(OperatorContext layer, MetricOperator operator) {
      this.ops = layer.ops();
      this.operator = operator;
      this.norm = new LayerNorm(ops, layer.parameterName("layernorm1"), layer.depth());
    }

    @Override
    public Deduced deduce(AttentionInputs in) {
      if (in.cachedMetric().isPresent()) {
        return new Deduced(operator.deduce(in.cachedMetric().get()), Optional.empty());
      }
      Tensor q = in.queries();
      Tensor refined = operator.refine(norm.apply(ops.matmul(q, q, true, false)));
      return new Deduced(operator.deduce(refined), Optional.of(refined));
    }
  }

  /** A constant operator: its fixed outputs; no metric tensor is computed. */
  private record Constant(ConstantOperator operator) implements Deduction {
    @Override
    public Deduced deduce(AttentionInputs in) {
      return new Deduced(operator.outputs(), Optional.empty());
    }
  }
}
