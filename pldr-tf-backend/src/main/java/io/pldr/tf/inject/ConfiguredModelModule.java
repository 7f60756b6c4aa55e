package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;

/**
 * Binds one model configuration and its {@link ModelSpec} (the operator and attention it names,
 * resolved and checked), so that code which serves a single model injects the spec.
 */
public final class ConfiguredModelModule extends AbstractModule {
  private final ModelConfig config;

  public ConfiguredModelModule(ModelConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(ModelConfig.class).toInstance(config);
  }

  @Provides
  @Singleton
  ModelSpec spec(Components components) {
    return components.spec(config);
  }
}
