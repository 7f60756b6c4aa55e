package io.pldr.tf.attention;

import io.pldr.api.attention.Attention;
import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionInputs;
import io.pldr.api.attention.AttentionResult;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.model.LayerNorm;
import java.util.Optional;

/**
 * Power law graph attention:
 *
 * <pre>
 *   A     = operator.refine(LN_d(Σ_t q_tᵀ q_t))      [B, H, d, d]  (only if the operator reads it)
 *   A_LM, G_LM = operator.deduce(A)                  [B or 1, H, d, d]
 *   logits = Q·G_LM·Kᵀ / √d                          [B, H, T, S]
 *   out    = softmax(logits + mask·(−1e9))·V         [B, H, T, d]
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
  private final TensorOperator operator;
  private final LayerNorm metricNorm;
  private final double scale;

  public PowerLawGraphAttention(AttentionContext ctx) {
    this.ops = ctx.layer().ops();
    this.operator = ctx.operator();
    this.metricNorm =
        operator.usesMetric()
            ? new LayerNorm(ops, ctx.layer().parameterName("layernorm1"), ctx.layer().depth())
            : null;
    this.scale = 1.0 / Math.sqrt(ctx.layer().depth());
  }

  @Override
  public AttentionResult attend(AttentionInputs in) {
    Optional<Tensor> metric = Optional.empty();
    DeductiveOutputs deductive;
    if (in.cachedDeductive().isPresent()) {
      deductive = in.cachedDeductive().get();
    } else if (operator.usesMetric()) {
      Tensor refined = in.cachedMetric().orElseGet(() -> operator.refine(metric(in.queries())));
      metric = in.cachedMetric().isPresent() ? Optional.empty() : Optional.of(refined);
      deductive = operator.deduce(refined);
    } else {
      deductive = operator.deduce(null);
    }
    Tensor logits =
        ops.scale(
            ops.matmul(ops.matmul(in.queries(), deductive.gLm()), in.keys(), false, true), scale);
    Tensor weights = ops.softmax(ops.add(logits, ops.scale(in.mask(), MASK_PENALTY)));
    Tensor output = ops.matmul(weights, in.values());
    return new AttentionResult(output, logits, metric, Optional.of(deductive));
  }

  /** A = LN_d(qᵀ·q) summed over every position of the input. */
  private Tensor metric(Tensor queries) {
    return metricNorm.apply(ops.matmul(queries, queries, true, false));
  }
}
