package io.pldr.cache;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.tensorflow.Tensor;

/**
 * The caches of one batch being decoded: per layer a {@link LayerState}, and how many positions
 * the KV-cache holds. Holds native memory: close it.
 */
public final class DecodeState implements AutoCloseable {
  private final List<LayerState> layers;
  private final int length;

  DecodeState(List<LayerState> layers, int length) {
    this.layers = List.copyOf(layers);
    this.length = length;
  }

  /** Positions in the KV-cache. */
  public int length() {
    return length;
  }

  List<LayerState> layers() {
    return layers;
  }

  /** Frees every tensor (each once, even where layers share one). */
  @Override
  public void close() {
    Set<Tensor> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<Tensor> all = new ArrayList<>();
    for (LayerState l : layers) {
      for (Tensor t : new Tensor[] {l.keys(), l.values(), l.refinedMetric(), l.aLm(), l.gLm()}) {
        if (t != null && seen.add(t)) {
          all.add(t);
        }
      }
    }
    all.forEach(Tensor::close);
  }
}
