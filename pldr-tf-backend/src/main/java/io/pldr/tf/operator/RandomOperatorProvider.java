package io.pldr.tf.operator;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;
import java.util.List;

/**
 * Provides {@link RandomOperator} under the name {@code random}: {@code tensor_operator { name:
 * "random" options { key: "seed" value: "7" } }}, with the options {@code seed} (default 0), {@code
 * mean} (default 0) and {@code stddev} (default 1, the port's standard normal).
 */
public final class RandomOperatorProvider implements TensorOperatorProvider {
  public static final String NAME = "random";
  public static final String SEED_OPTION = "seed";
  public static final String MEAN_OPTION = "mean";
  public static final String STDDEV_OPTION = "stddev";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "constant G_LM ~ N(mean, stddev²) per layer from a seed, A_LM = 0 (options 'seed',"
        + " 'mean', 'stddev'; v510G random)";
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    OperatorOptions options =
        new OperatorOptions(context.config(), List.of(SEED_OPTION, MEAN_OPTION, STDDEV_OPTION));
    return new RandomOperator(
        context,
        new RandomOperator.Settings(
            options.integer(SEED_OPTION, 0),
            options.number(MEAN_OPTION, 0),
            options.nonNegative(STDDEV_OPTION, 1)));
  }
}
