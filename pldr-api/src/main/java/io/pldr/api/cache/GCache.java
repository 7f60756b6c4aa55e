package io.pldr.api.cache;

import java.util.List;

/**
 * A G-cache: per decoder layer the deductive outputs A_LM and G_LM, inferred once (from a prompt
 * pass, or read from a file). Decoding with it skips the metric tensor, the metric learner and the
 * power law: after pretraining G_LM is nearly invariant to the input, so one inferred G_LM serves
 * every later pass.
 *
 * @param layers one entry per decoder layer, in order
 */
public record GCache(List<LayerDeductive> layers) {
  public GCache {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a G-cache needs at least one layer");
    }
  }

  /** The entry of decoder layer {@code i}. */
  public LayerDeductive layer(int i) {
    return layers.get(i);
  }

  /** Number of decoder layers. */
  public int numLayers() {
    return layers.size();
  }
}
