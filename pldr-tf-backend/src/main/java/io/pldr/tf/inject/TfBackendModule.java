package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.operator.TensorOperatorProvider;

/**
 * The TensorFlow backend: builds models with {@link TfModelFactory}. Declares the operator and
 * attention maps that operator and attention modules add to.
 */
public final class TfBackendModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class);
    MapBinder.newMapBinder(binder(), String.class, AttentionProvider.class);
    bind(ModelFactory.class).to(TfModelFactory.class);
  }
}
