package io.pldr.cache;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.tf.runtime.HostTensors;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Tensor;

/**
 * The caches of one batch being decoded, in native memory: per layer the KV-cache (keys, values,
 * the prompt's refined metric tensor) and the G-cache (A_LM, G_LM), and how many positions the
 * KV-cache holds. {@link #gCache()} copies the G-cache out, to save or to reuse. Holds native
 * memory: close it.
 */
public final class DecodeState implements AutoCloseable {
  private final List<LayerState> layers;
  private final int length;
  private final int[] offsets;

  DecodeState(List<LayerState> layers, int length) {
    this(layers, length, null);
  }

  /** A state whose row b is padded with {@code offsets[b]} columns on the left (null: none). */
  DecodeState(List<LayerState> layers, int length, int[] offsets) {
    this.layers = new ArrayList<>(layers);
    this.length = length;
    this.offsets = offsets == null ? null : offsets.clone();
  }

  /** How many padding columns each row starts with, if the rows were padded on the left. */
  public Optional<int[]> offsets() {
    return Optional.ofNullable(offsets).map(int[]::clone);
  }

  /** The G-cache of this state: per layer A_LM and G_LM, copied to the host. */
  public GCache gCache() {
    List<LayerDeductive> out = new ArrayList<>();
    for (LayerState l : layers) {
      out.add(new LayerDeductive(HostTensors.fromTensor(l.aLm()), HostTensors.fromTensor(l.gLm())));
    }
    return new GCache(out);
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
      for (Tensor t :
          new Tensor[] {l.keys(), l.values(), l.refinedMetric().orElse(null), l.aLm(), l.gLm()}) {
        if (t != null && seen.add(t)) {
          all.add(t);
        }
      }
    }
    all.forEach(Tensor::close);
  }
}
