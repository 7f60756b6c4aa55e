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
  /** The name of a model's own G-cache as its operator (the Hugging Face port's name). */
  public static final String EXTERNAL = "external";

  /** The name of another model's G-cache as the operator of an ablation. */
  public static final String TRANSFERRED = "transferred";

  @Override
  protected void configure() {
    MapBinder<String, TensorOperatorProvider> operators =
        MapBinder.newMapBinder(binder(), String.class, TensorOperatorProvider.class);
    operators.addBinding(EXTERNAL).to(ExternalOperatorProvider.class);
    operators.addBinding(TRANSFERRED).to(TransferredOperatorProvider.class);
  }
}
