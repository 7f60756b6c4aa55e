package io.pldr.tf.testing;

import com.google.inject.Guice;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.PldrInjectors;

/** Model specifications for tests, resolved against the built-in operators and attention. */
public final class Specs {
  private static final Components BUILT_IN =
      Guice.createInjector(PldrInjectors.builtIn()).getInstance(Components.class);

  private Specs() {}

  /** The configuration resolved and checked as an injector would. */
  public static ModelSpec of(ModelConfig config) {
    return BUILT_IN.spec(config);
  }
}
