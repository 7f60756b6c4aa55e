package io.pldr.tf.operator;

import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.MetricOperator;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import java.util.Optional;

/**
 * PLDR-LLM v510's learned tensor operator, the deep net of power law graph attention:
 *
 * <pre>
 *   A    ← metric learner(A)                         [B, H, d, d]
 *   A_LM = iSwiGLU(W·A + b) + 1e-9,  iSwiGLU(z) = z·silu(z)   (W·A per head)
 *   A_P  = A_LM ^ pw                                 (the potential tensor, element-wise)
 *   G_LM = a·A_P + b_a                               (a·… per head)
 * </pre>
 *
 * with per-layer parameters W, b, pw, a, b_a {@code [H, d, d]} ({@code plgatt_layer.Wlst, blst,
 * pwlst, alst, balst}).
 */
public final class LearnedPlgaOperator implements MetricOperator {
  /** Added to A_LM so that the power law never sees zero. */
  public static final double EPSILON = 1e-9;

  private final TensorOps ops;
  private final MetricLearner learner;
  private final Tensor w;
  private final Tensor b;
  private final Tensor pw;
  private final Tensor a;
  private final Tensor ba;

  public LearnedPlgaOperator(OperatorContext ctx) {
    this.ops = ctx.ops();
    this.learner = new MetricLearner(ctx);
    Shape shape = Shape.of(ctx.heads(), ctx.depth(), ctx.depth());
    String p = ctx.parameterName("plgatt_layer.");
    this.w = ops.parameter(p + "Wlst", shape, Initializer.xavierNormal());
    this.b = ops.parameter(p + "blst", shape, Initializer.zeros());
    this.pw = ops.parameter(p + "pwlst", shape, Initializer.xavierNormal());
    this.a = ops.parameter(p + "alst", shape, Initializer.xavierNormal());
    this.ba = ops.parameter(p + "balst", shape, Initializer.zeros());
  }

  @Override
  public Tensor refine(Tensor metric) {
    return learner.apply(metric);
  }

  @Override
  public DeductiveOutputs deduce(Tensor refined) {
    Tensor z = ops.add(ops.matmul(w, refined), b);
    Tensor aLm = ops.add(ops.mul(z, ops.silu(z)), ops.constant(EPSILON));
    Tensor potential = ops.pow(aLm, pw);
    Tensor gLm = ops.add(ops.matmul(a, potential), ba);
    return new DeductiveOutputs(aLm, gLm, Optional.of(potential));
  }
}
