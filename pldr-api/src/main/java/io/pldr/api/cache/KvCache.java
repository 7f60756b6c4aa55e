package io.pldr.api.cache;

import java.util.Optional;

/**
 * Per layer, the keys, values and metric tensor of the positions decoded so far, so that a new
 * token attends to them without recomputing them. The next position is {@link #length()}.
 */
public interface KvCache {
  /** Number of cached positions. */
  int length();

  /** The entry of layer {@code layer}, if filled. */
  Optional<LayerKv> layer(int layer);

  /** Replaces the entry of a layer. */
  void put(int layer, LayerKv entry);

  /** Empties the cache. */
  void clear();
}
