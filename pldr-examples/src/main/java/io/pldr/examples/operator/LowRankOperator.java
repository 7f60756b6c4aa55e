package io.pldr.examples.operator;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.MetricOperator;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;

/**
 * The power law of PLDR-LLM v510 with G_LM a rank-r correction of the identity:
 *
 * <pre>
 *   A_LM = iSwiGLU(W·A + b) + 1e-9,  iSwiGLU(z) = z·silu(z)   [B, H, d, d]  (as v510)
 *   A_P  = A_LM ^ pw                  (element-wise: the potential tensor)
 *   G_LM = I + U·(Vᵀ·A_P)             U, V [H, d, r]: G_LM − I has rank at most r
 * </pre>
 *
 * v510's G_LM = a·A_P + b_a with the full {@code [H, d, d]} matrix a factored as U·Vᵀ and b_a fixed
 * to I, so attention is scaled dot-product attention plus a power law correction that lives in r
 * directions per head. Parameters W, b, pw {@code [H, d, d]} and U, V {@code [H, d, r]}, under the
 * layer's {@code low_rank.} scope.
 */
public final class LowRankOperator implements MetricOperator {
  /** Added to A_LM so that the power law never sees zero (as v510). */
  static final double EPSILON = 1e-9;

  private final TensorOps ops;
  private final Tensor eye;
  private final Tensor w;
  private final Tensor b;
  private final Tensor pw;
  private final Tensor u;
  private final Tensor v;

  public LowRankOperator(OperatorContext ctx, int rank) {
    this.ops = ctx.ops();
    int h = ctx.heads();
    int d = ctx.depth();
    String p = ctx.parameterName("low_rank.");
    this.eye = ops.eye(d);
    this.w = ops.parameter(p + "w", Shape.of(h, d, d), Initializer.xavierNormal());
    this.b = ops.parameter(p + "b", Shape.of(h, d, d), Initializer.zeros());
    this.pw = ops.parameter(p + "pw", Shape.of(h, d, d), Initializer.xavierNormal());
    this.u = ops.parameter(p + "u", Shape.of(h, d, rank), Initializer.xavierNormal());
    this.v = ops.parameter(p + "v", Shape.of(h, d, rank), Initializer.xavierNormal());
  }

  @Override
  public DeductiveOutputs deduce(Tensor metric) {
    Tensor z = ops.add(ops.matmul(w, metric), b); // [B, H, d, d]
    Tensor aLm = ops.add(ops.mul(z, ops.silu(z)), ops.constant(EPSILON));
    Tensor potential = ops.pow(aLm, pw); // [B, H, d, d]
    Tensor projected = ops.matmul(v, potential, true, false); // Vᵀ·A_P [B, H, r, d]
    Tensor gLm = ops.add(eye, ops.matmul(u, projected)); // [B, H, d, d]
    return new DeductiveOutputs(aLm, gLm);
  }
}
