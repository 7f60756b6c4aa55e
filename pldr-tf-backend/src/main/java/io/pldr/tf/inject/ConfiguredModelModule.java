package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.TensorOperatorProvider;

/**
 * Binds one model configuration and the operator and attention it selects, so that code which
 * serves a single model can inject them.
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
  TensorOperatorProvider selectedOperator(Components components) {
    return components.operator(config);
  }

  @Provides
  @Singleton
  AttentionProvider selectedAttention(Components components) {
    return components.attention(config);
  }
}
