package io.pldr.cache;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.KvCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.cache.LayerKv;
import io.pldr.api.tensor.DType;
import io.pldr.tf.runtime.HostTensors;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Tensor;

/**
 * The caches of one batch being decoded: per layer a {@link LayerState}, and how many positions the
 * KV-cache holds. {@link #kvCache()} and {@link #gCache()} show them through pldr-api's cache SPI
 * (host copies on read; a {@code put} replaces a layer's tensors). Holds native memory: close it.
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

  /** The KV-cache of this state: per layer the keys, values and refined metric tensor. */
  public KvCache kvCache() {
    return new KvCache() {
      @Override
      public int length() {
        return length;
      }

      @Override
      public Optional<LayerKv> layer(int i) {
        LayerState l = layers.get(i);
        return Optional.of(
            new LayerKv(
                HostTensors.fromTensor(l.keys()),
                HostTensors.fromTensor(l.values()),
                l.refinedMetric() == null ? null : HostTensors.fromTensor(l.refinedMetric())));
      }

      @Override
      public void put(int i, LayerKv entry) {
        LayerState l = layers.get(i);
        DType type = HostTensors.fromTensor(l.aLm()).dtype();
        layers.set(
            i,
            new LayerState(
                HostTensors.toTensor(entry.keys(), type),
                HostTensors.toTensor(entry.values(), type),
                entry.metric() == null ? null : HostTensors.toTensor(entry.metric(), type),
                l.aLm(),
                l.gLm()));
        close(l.keys(), l.values(), l.refinedMetric());
      }

      @Override
      public void clear() {
        throw new UnsupportedOperationException(
            "a decoding state's KV-cache is replaced, not"
                + " cleared: start again with CachedDecoder.prefill");
      }
    };
  }

  /** The G-cache of this state: per layer A_LM and G_LM. */
  public GCache gCache() {
    return new GCache() {
      @Override
      public Optional<LayerDeductive> layer(int i) {
        LayerState l = layers.get(i);
        return Optional.of(
            new LayerDeductive(HostTensors.fromTensor(l.aLm()), HostTensors.fromTensor(l.gLm())));
      }

      @Override
      public void put(int i, LayerDeductive entry) {
        LayerState l = layers.get(i);
        DType type = entry.aLm().dtype();
        Tensor a = HostTensors.toTensor(entry.aLm(), type);
        Tensor g = HostTensors.toTensor(entry.gLm(), type);
        layers.set(i, new LayerState(l.keys(), l.values(), l.refinedMetric(), a, g));
        close(l.aLm(), l.gLm() == l.aLm() ? null : l.gLm());
      }

      @Override
      public void clear() {
        throw new UnsupportedOperationException(
            "a decoding state's G-cache is replaced, not"
                + " cleared: start again with CachedDecoder.prefill");
      }
    };
  }

  private static void close(Tensor... tensors) {
    for (Tensor t : tensors) {
      if (t != null) {
        t.close();
      }
    }
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
