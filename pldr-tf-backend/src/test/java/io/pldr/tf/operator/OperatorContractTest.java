package io.pldr.tf.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.operator.TensorOperatorContract;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.DType;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.testing.RandomGCache;
import io.pldr.tf.testing.ScaledIdentityOperatorModule;
import io.pldr.tf.testing.TfOperatorHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** Every built-in operator, and the plug-in example, passes the operator contract. */
class OperatorContractTest {
  /** The contract on the TensorFlow backend. */
  abstract static class OnTensorFlow extends TensorOperatorContract {
    @Override
    protected OperatorHarness harness(DType dtype) {
      return new TfOperatorHarness(dtype);
    }
  }

  @Nested
  class Learned extends OnTensorFlow {
    @Override
    protected TensorOperatorProvider provider() {
      return new LearnedPlgaProvider();
    }
  }

  @Nested
  class Identity extends OnTensorFlow {
    @Override
    protected TensorOperatorProvider provider() {
      return new IdentityOperatorProvider();
    }
  }

  @Nested
  class Random extends OnTensorFlow {
    @Override
    protected TensorOperatorProvider provider() {
      return new RandomOperatorProvider();
    }
  }

  @Nested
  class External extends OnTensorFlow {
    private final Path file;

    External() {
      try {
        file = Files.createTempFile("gcache", ".safetensors");
        file.toFile().deleteOnExit();
        GCacheFile.save(
            file,
            super.config(),
            RandomGCache.of(super.config(), 2, DType.FLOAT32),
            "sha256:random");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    protected ModelConfig config() {
      ModelConfig c = super.config();
      return c.toBuilder()
          .setTensorOperator(
              c.getTensorOperator().toBuilder()
                  .putOptions(ExternalOperatorProvider.FILE_OPTION, file.toString()))
          .build();
    }

    @Override
    protected TensorOperatorProvider provider() {
      return new ExternalOperatorProvider();
    }
  }

  @Nested
  class Transferred extends External {
    @Override
    protected TensorOperatorProvider provider() {
      return new TransferredOperatorProvider();
    }
  }

  @Nested
  class UserPlugin extends OnTensorFlow {
    @Override
    protected TensorOperatorProvider provider() {
      return com.google.inject.Guice.createInjector(new ScaledIdentityOperatorModule())
          .getInstance(
              com.google.inject.Key.get(
                  new com.google.inject.TypeLiteral<
                      java.util.Map<String, TensorOperatorProvider>>() {}))
          .get(ScaledIdentityOperatorModule.NAME);
    }
  }
}
