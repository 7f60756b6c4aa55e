package io.pldr.tf.testing;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** G-caches for tests: per layer a positive A_LM and a standard-normal G_LM from a seed. */
public final class RandomGCache {
  private RandomGCache() {}

  /** A G-cache of {@code config}'s shape, {@code [1, H, d, d]} per layer, in {@code dtype}. */
  public static GCache of(ModelConfig config, long seed, DType dtype) {
    Random r = new Random(seed);
    int h = config.getNumHeads();
    int d = config.getDModel() / h;
    List<LayerDeductive> layers = new ArrayList<>();
    for (int i = 0; i < config.getNumLayers(); i++) {
      double[] a = new double[h * d * d];
      double[] g = new double[a.length];
      for (int j = 0; j < a.length; j++) {
        a[j] = Math.abs(r.nextGaussian());
        g[j] = r.nextGaussian();
      }
      Shape s = Shape.of(1, h, d, d);
      layers.add(new LayerDeductive(HostTensor.of(dtype, s, a), HostTensor.of(dtype, s, g)));
    }
    return new GCache(layers);
  }
}
