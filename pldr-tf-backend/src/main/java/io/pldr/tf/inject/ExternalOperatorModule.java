package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.ExternalOperatorProvider;

/** Installs the constant operator read from a G-cache file as {@code external}. */
public final class ExternalOperatorModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(ExternalOperatorProvider.NAME).to(ExternalOperatorProvider.class);
  }
}
