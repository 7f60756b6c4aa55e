package io.pldr.train.bench;

import io.pldr.api.config.ModelConfig;

/**
 * Floating-point operations of one training step of a PLDR-LLM, counted from its matrix products (2
 * per multiply-add; element-wise work is left out). Backward costs twice the forward pass, as usual
 * for matrix products.
 */
public final class TrainFlops {
  private TrainFlops() {}

  /** Forward-pass FLOPs for {@code batch} sequences of {@code seq} tokens. */
  public static double forward(ModelConfig c, long batch, long seq) {
    double b = batch;
    double t = seq;
    double d = c.getDModel();
    double h = c.getNumHeads();
    double k = d / h;
    double perLayer =
        4 * 2 * b * t * d * d // wq, wk, wv, dense
            + 3 * 2 * b * t * d * c.getDff() // GLU feed-forward
            + 2 * b * h * t * k * t * 2; // (Q·G)·Kᵀ and E·V
    boolean learned =
        "learned".equals(c.getTensorOperator().getName())
            || c.getTensorOperator().getName().isEmpty();
    perLayer += 2 * b * h * t * k * k; // Q·G_LM
    if (learned) {
      perLayer +=
          2 * b * h * t * k * k // A = qᵀq
              + c.getNumReslayerA() * c.getNumDenseA() * 3 * 2 * b * h * k * k * c.getADff()
              + 2 * 2 * b * h * k * k * k; // W·A and a·A_LM^pw
    }
    return c.getNumLayers() * perLayer + 2 * b * t * d * c.getVocabSize();
  }

  /** Forward and backward FLOPs of one step. */
  public static double step(ModelConfig c, long batch, long seq) {
    return 3 * forward(c, batch, seq);
  }
}
