package io.pldr.tf.testing;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.Tensor;

/**
 * A user's plug-in as a user would write it, against pldr-api and Guice only: the constant operator
 * G_LM = s·I, with s from the option {@code scale}.
 */
public final class ScaledIdentityOperatorModule extends AbstractModule {
  /** The operator's name in configurations. */
  public static final String NAME = "scaled_identity";

  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(NAME)
        .toInstance(new Provider());
  }

  /** The provider of G_LM = scale·I. */
  public static final class Provider implements TensorOperatorProvider {
    @Override
    public String description() {
      return "constant G_LM = scale·I";
    }

    @Override
    public TensorOperator create(OperatorContext ctx) {
      double scale =
          Double.parseDouble(ctx.config().getTensorOperator().getOptionsOrDefault("scale", "1"));
      int d = ctx.depth();
      double[] v = new double[ctx.heads() * d * d];
      for (int h = 0; h < ctx.heads(); h++) {
        for (int i = 0; i < d; i++) {
          v[h * d * d + i * d + i] = scale;
        }
      }
      Tensor g = ctx.ops().constant(io.pldr.api.tensor.Shape.of(1, ctx.heads(), d, d), v);
      DeductiveOutputs outputs = new DeductiveOutputs(g, g);
      return (ConstantOperator) () -> outputs;
    }
  }
}
