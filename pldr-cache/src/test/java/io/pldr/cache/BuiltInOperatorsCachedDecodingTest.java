package io.pldr.cache;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.operator.IdentityOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.operator.RandomOperatorProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;

/** Every built-in operator decodes with caches as it decodes without. */
class BuiltInOperatorsCachedDecodingTest {
  @Nested
  class Learned extends CachedDecodingContract {
    @Override
    protected TensorOperatorProvider operator() {
      return new LearnedPlgaProvider();
    }
  }

  @Nested
  class Identity extends CachedDecodingContract {
    @Override
    protected TensorOperatorProvider operator() {
      return new IdentityOperatorProvider();
    }
  }

  @Nested
  class Random_ extends CachedDecodingContract {
    @Override
    protected TensorOperatorProvider operator() {
      return new RandomOperatorProvider();
    }

    @Override
    protected ModelConfig config() {
      return withOptions(Map.of(RandomOperatorProvider.SEED_OPTION, "4"));
    }
  }

  @Nested
  class External extends CachedDecodingContract {
    private final Path file;

    External() {
      try {
        file = Files.createTempFile("gcache", ".safetensors");
        file.toFile().deleteOnExit();
        ModelConfig c = baseConfig();
        int d = c.getDModel() / c.getNumHeads();
        Random r = new Random(3);
        List<LayerDeductive> layers = new ArrayList<>();
        for (int i = 0; i < c.getNumLayers(); i++) {
          double[] a = new double[c.getNumHeads() * d * d];
          double[] g = new double[a.length];
          for (int j = 0; j < a.length; j++) {
            a[j] = Math.abs(r.nextGaussian());
            g[j] = r.nextGaussian();
          }
          Shape s = Shape.of(1, c.getNumHeads(), d, d);
          layers.add(
              new LayerDeductive(
                  HostTensor.of(DType.FLOAT64, s, a), HostTensor.of(DType.FLOAT64, s, g)));
        }
        GCacheFile.save(file, c, new GCache(layers));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    protected TensorOperatorProvider operator() {
      return new ExternalOperatorProvider();
    }

    @Override
    protected ModelConfig config() {
      return withOptions(Map.of(ExternalOperatorProvider.FILE_OPTION, file.toString()));
    }
  }
}
