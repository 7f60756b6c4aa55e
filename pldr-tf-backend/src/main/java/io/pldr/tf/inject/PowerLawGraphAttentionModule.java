package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.attention.AttentionProvider;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;

/** Installs power law graph attention as {@code power_law_graph}. */
public final class PowerLawGraphAttentionModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, AttentionProvider.class)
        .addBinding(PowerLawGraphAttentionProvider.NAME)
        .to(PowerLawGraphAttentionProvider.class);
  }
}
