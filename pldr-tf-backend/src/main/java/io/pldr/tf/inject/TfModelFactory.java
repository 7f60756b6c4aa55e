package io.pldr.tf.inject;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.tf.runtime.TfPldrModel;
import jakarta.inject.Inject;

/** Builds {@link TfPldrModel}s with the operator and attention their configuration names. */
public final class TfModelFactory implements ModelFactory {
  private final Components components;

  @Inject
  public TfModelFactory(Components components) {
    this.components = components;
  }

  @Override
  public PldrModel create(ModelConfig config, long seed) {
    return new TfPldrModel(components.spec(config), seed);
  }
}
