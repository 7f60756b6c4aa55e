package io.pldr.tf.operator;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import io.pldr.tf.model.Glu;
import io.pldr.tf.model.LayerNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * The residual network that refines the metric tensor: R units, each {@code A ← LN_d(A +
 * GLU_K(…GLU_1(A)))} with GLUs {@code d → A_dff → d} over the last axis. Parameters {@code
 * mha1.reslayerAs.r.denseAs.k.*} and {@code mha1.reslayerAs.r.layernormA.*}.
 */
final class MetricLearner {
  private final TensorOps ops;
  private final List<List<Glu>> dense = new ArrayList<>();
  private final List<LayerNorm> norms = new ArrayList<>();

  MetricLearner(OperatorContext ctx) {
    this.ops = ctx.ops();
    int depth = ctx.depth();
    int hidden = ctx.config().getADff();
    for (int r = 0; r < ctx.config().getNumReslayerA(); r++) {
      String unit = ctx.parameterName("reslayerAs." + r);
      List<Glu> glus = new ArrayList<>();
      for (int k = 0; k < ctx.config().getNumDenseA(); k++) {
        glus.add(new Glu(ops, unit + ".denseAs." + k, depth, hidden, depth));
      }
      dense.add(glus);
      norms.add(new LayerNorm(ops, unit + ".layernormA", depth));
    }
  }

  /** {@code [B, H, d, d]} to {@code [B, H, d, d]}. */
  Tensor apply(Tensor a) {
    for (int r = 0; r < dense.size(); r++) {
      Tensor h = a;
      for (Glu glu : dense.get(r)) {
        h = glu.apply(h);
      }
      a = norms.get(r).apply(ops.add(h, a));
    }
    return a;
  }
}
