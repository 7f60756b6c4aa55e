package io.pldr.train.bench;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;

/**
 * Floating-point operations of one training step of a PLDR-LLM, counted from its matrix products (2
 * per multiply-add; element-wise work is left out): the model's own, and its tensor operator's as
 * the operator's provider counts them. Backward costs twice the forward pass, as usual for matrix
 * products.
 */
public final class TrainFlops {
  private TrainFlops() {}

  /** Forward-pass FLOPs for {@code batch} sequences of {@code seq} tokens. */
  public static double forward(ModelSpec spec, long batch, long seq) {
    ModelConfig c = spec.config();
    double b = batch;
    double t = seq;
    double d = c.getDModel();
    double h = c.getNumHeads();
    double k = d / h;
    double perLayer =
        4 * 2 * b * t * d * d // wq, wk, wv, dense
            + 3 * 2 * b * t * d * c.getDff() // GLU feed-forward
            + 2 * b * h * t * k * k // Q·G_LM
            + 2 * b * h * t * k * t * 2 // (Q·G)·Kᵀ and E·V
            + spec.operator().forwardFlops(c, batch, seq);
    return c.getNumLayers() * perLayer + 2 * b * t * d * c.getVocabSize();
  }

  /** Forward and backward FLOPs of one step. */
  public static double step(ModelSpec spec, long batch, long seq) {
    return 3 * forward(spec, batch, seq);
  }
}
