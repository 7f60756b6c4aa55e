package io.pldr.tf.operator;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;

/** Provides {@link LearnedPlgaOperator}: the metric learner and the power law of v510. */
public final class LearnedPlgaProvider implements TensorOperatorProvider {
  @Override
  public String description() {
    return "PLGA deep net (v510): metric learner, then A_LM = iSwiGLU(W·A+b),"
        + " G_LM = a·A_LM^pw + b_a";
  }

  /** The metric learner needs its width, and GLU layers in each residual unit. */
  @Override
  public void validate(ModelConfig config) {
    if (config.getADff() <= 0) {
      throw new ConfigException(
          OperatorOptions.SOURCE,
          "a_dff",
          "the learned operator's metric learner needs a positive width, found "
              + config.getADff());
    }
    if (config.getNumReslayerA() > 0 && config.getNumDenseA() <= 0) {
      throw new ConfigException(
          OperatorOptions.SOURCE,
          "num_dense_a",
          "the learned operator's "
              + config.getNumReslayerA()
              + " residual units need at least one GLU layer each, found "
              + config.getNumDenseA());
    }
  }

  /**
   * The metric tensor qᵀq, the metric learner's GLUs (three products each) and the two per-head
   * products W·A and a·A_P.
   */
  @Override
  public double forwardFlops(ModelConfig config, long batch, long length) {
    double h = config.getNumHeads();
    double d = config.getDModel() / h;
    double metric = 2 * batch * h * length * d * d;
    double learner =
        config.getNumReslayerA()
            * config.getNumDenseA()
            * 3
            * 2
            * batch
            * h
            * d
            * d
            * config.getADff();
    double powerLaw = 2 * 2 * batch * h * d * d * d;
    return metric + learner + powerLaw;
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return new LearnedPlgaOperator(context);
  }
}
