package io.pldr.examples.operator;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.TensorOperatorProvider;

/**
 * Installs {@link LowRankOperatorProvider} as {@code low_rank}. Name it in a model configuration's
 * {@code plugin_modules}, or let {@link java.util.ServiceLoader} find it (this jar lists it under
 * {@code META-INF/services/com.google.inject.Module}); installed both ways, the two bindings are
 * the same and count once.
 */
public final class LowRankOperatorModule extends AbstractModule {
  /** The operator's name in configurations. */
  public static final String NAME = "low_rank";

  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(NAME)
        .to(LowRankOperatorProvider.class);
  }
}
