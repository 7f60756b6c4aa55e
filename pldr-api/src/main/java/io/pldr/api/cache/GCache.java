package io.pldr.api.cache;

import java.util.Optional;

/**
 * Per layer, the deductive outputs A_LM and G_LM inferred once (from a prompt or saved from a
 * model): with it, attention skips the metric tensor, the metric learner and the power law.
 */
public interface GCache {
  /** The entry of layer {@code layer}, if filled. */
  Optional<LayerDeductive> layer(int layer);

  /** Sets the entry of a layer. */
  void put(int layer, LayerDeductive entry);

  /** Empties the cache. */
  void clear();
}
