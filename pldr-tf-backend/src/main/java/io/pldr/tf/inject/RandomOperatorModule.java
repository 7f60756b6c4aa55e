package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.RandomOperatorProvider;

/** Installs the seeded random-normal constant operator as {@code random}. */
public final class RandomOperatorModule extends AbstractModule {
  /** The operator's name in configurations. */
  public static final String NAME = "random";

  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(NAME)
        .to(RandomOperatorProvider.class);
  }
}
