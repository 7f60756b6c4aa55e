package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.config.ModelConfigs;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;

/** Installs power law graph attention as {@code power_law_graph} (the default attention). */
public final class PowerLawGraphAttentionModule extends AbstractModule {
  /** The attention's name in configurations. */
  public static final String NAME = ModelConfigs.DEFAULT_ATTENTION;

  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, AttentionProvider.class)
        .addBinding(NAME)
        .to(PowerLawGraphAttentionProvider.class);
  }
}
