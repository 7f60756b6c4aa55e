package io.pldr.tf.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.operator.TransferredOperatorProvider;

/**
 * Installs the constant operator read from a G-cache file as {@code external} (a model's own
 * G-cache, v510Gi) and as {@code transferred} (another model's, v510G).
 */
public final class ExternalOperatorModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, TensorOperatorProvider> operators =
        MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class);
    operators.addBinding(ExternalOperatorProvider.NAME).to(ExternalOperatorProvider.class);
    operators.addBinding(TransferredOperatorProvider.NAME).to(TransferredOperatorProvider.class);
  }
}
