package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;

/** Installs the learned PLGA operator as {@code learned}. */
public final class LearnedPlgaModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(LearnedPlgaProvider.NAME)
        .to(LearnedPlgaProvider.class);
  }
}
