package io.pldr.tf.operator;

import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.tf.ops.Initializers;

/**
 * A constant operator whose G_LM {@code [1, H, d, d]} is drawn once from N(mean, stddev²),
 * reproducibly from a seed and the layer, and whose A_LM is zero: the reference's v510G ablation
 * with a random G_LM (the Hugging Face port's {@code random}). Nothing of it is trained or saved;
 * the configuration alone fixes its values, the same in every process.
 *
 * @param outputs A_LM = 0 and the drawn G_LM
 */
public record RandomOperator(DeductiveOutputs outputs) implements ConstantOperator {
  /** The distribution and seed of G_LM. */
  public record Settings(long seed, double mean, double stddev) {}

  /** The operator of the context's layer. */
  public static RandomOperator of(OperatorContext ctx, Settings settings) {
    Shape shape = Shape.of(1, ctx.heads(), ctx.depth(), ctx.depth());
    Tensor g = ctx.ops().constant(shape, values(ctx, settings));
    Tensor zero = ctx.ops().constant(shape, new double[Math.toIntExact(shape.size())]);
    return new RandomOperator(new DeductiveOutputs(zero, g));
  }

  /** The values of G_LM for the context's layer, row-major. */
  public static double[] values(OperatorContext ctx, Settings settings) {
    return Initializers.sample(
        new Initializer.Normal(settings.mean(), settings.stddev()),
        Shape.of(1, ctx.heads(), ctx.depth(), ctx.depth()),
        settings.seed(),
        ctx.parameterName("G_LM"));
  }
}
