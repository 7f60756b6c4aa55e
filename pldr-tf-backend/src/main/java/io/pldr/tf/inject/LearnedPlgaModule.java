package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;

/** Installs the learned PLGA operator as {@code learned} (the default operator). */
public final class LearnedPlgaModule extends AbstractModule {
  /** The operator's name in configurations. */
  public static final String NAME = ModelConfigs.DEFAULT_OPERATOR;

  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(NAME)
        .to(LearnedPlgaProvider.class);
  }
}
