package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.IdentityOperatorProvider;

/** Installs the identity operator (scaled dot-product attention) as {@code identity}. */
public final class IdentityOperatorModule extends AbstractModule {
  /** The operator's name in configurations. */
  public static final String NAME = "identity";

  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class)
        .addBinding(NAME)
        .to(IdentityOperatorProvider.class);
  }
}
