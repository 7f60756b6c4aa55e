package io.pldr.api.model;

import io.pldr.api.config.ModelConfig;

/** Builds models on a backend, with the tensor operator and attention the configuration names. */
public interface ModelFactory {
  /**
   * A model with freshly initialised parameters (the reference's initialisers), reproducible from
   * {@code seed}.
   */
  PldrModel create(ModelConfig config, long seed);
}
