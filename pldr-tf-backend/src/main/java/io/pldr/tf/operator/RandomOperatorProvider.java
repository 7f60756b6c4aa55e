package io.pldr.tf.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;
import java.util.List;

/**
 * Provides {@link RandomOperator}: {@code tensor_operator { name: "random" options { key: "seed"
 * value: "7" } }}, with the options {@code seed} (default 0), {@code mean} (default 0) and {@code
 * stddev} (default 1, the port's standard normal).
 */
public final class RandomOperatorProvider implements TensorOperatorProvider {
  public static final String SEED_OPTION = "seed";
  public static final String MEAN_OPTION = "mean";
  public static final String STDDEV_OPTION = "stddev";

  @Override
  public String description() {
    return "constant G_LM ~ N(mean, stddev²) per layer from a seed, A_LM = 0 (options 'seed',"
        + " 'mean', 'stddev'; v510G random)";
  }

  /** The options are known keys with numbers of the right kind. */
  @Override
  public void validate(ModelConfig config) {
    settings(config);
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return RandomOperator.of(context, settings(context.config()));
  }

  private static RandomOperator.Settings settings(ModelConfig config) {
    OperatorOptions options =
        new OperatorOptions(config, List.of(SEED_OPTION, MEAN_OPTION, STDDEV_OPTION));
    return new RandomOperator.Settings(
        options.integer(SEED_OPTION, 0),
        options.number(MEAN_OPTION, 0),
        options.nonNegative(STDDEV_OPTION, 1));
  }
}
