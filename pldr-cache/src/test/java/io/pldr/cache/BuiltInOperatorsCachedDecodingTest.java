package io.pldr.cache;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.DType;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.operator.IdentityOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.operator.RandomOperatorProvider;
import io.pldr.tf.testing.RandomGCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
        GCacheFile.save(file, c, RandomGCache.of(c, 3, DType.FLOAT64), "sha256:random");
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
