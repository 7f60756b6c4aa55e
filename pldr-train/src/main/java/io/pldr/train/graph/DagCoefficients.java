package io.pldr.train.graph;

import io.pldr.api.config.TrainConfig;
import java.util.Optional;

/**
 * The weights of the v510_dag terms in the loss: cross-entropy + a·dag(A_LM) + p·dag(A_P) +
 * g·dag(G_LM). A weight of 0 leaves its term out of the loss; the terms are still measured.
 */
public record DagCoefficients(double a, double p, double g) {
  public DagCoefficients {
    for (double c : new double[] {a, p, g}) {
      if (!(c >= 0) || !Double.isFinite(c)) {
        throw new IllegalArgumentException(
            "DAG coefficients must be finite and ≥ 0, found " + a + ", " + p + ", " + g);
      }
    }
  }

  /** The coefficients of a (validated) configuration's {@code dag} block, if it has one. */
  public static Optional<DagCoefficients> of(TrainConfig config) {
    return config.hasDag()
        ? Optional.of(
            new DagCoefficients(
                config.getDag().getCA(), config.getDag().getCP(), config.getDag().getCG()))
        : Optional.empty();
  }
}
