package io.pldr.cache;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.RotaryLayout;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.operator.IdentityOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import org.junit.jupiter.api.Nested;

/**
 * Models in the HALF rotary layout (v52, the Hugging Face port's {@code reference_rope: false}),
 * with a base other than 10000, decode with caches as they decode without: the prompt pass equals a
 * full forward pass, and steps at offset positions (KV-cache) equal recomputation.
 */
class HalfRotaryCachedDecodingTest {
  private static ModelConfig half(ModelConfig c) {
    return c.toBuilder().setRotaryLayout(RotaryLayout.HALF).setRopeTheta(500).build();
  }

  @Nested
  class Learned extends CachedDecodingContract {
    @Override
    protected TensorOperatorProvider operator() {
      return new LearnedPlgaProvider();
    }

    @Override
    protected ModelConfig config() {
      return half(baseConfig());
    }
  }

  @Nested
  class Identity extends CachedDecodingContract {
    @Override
    protected TensorOperatorProvider operator() {
      return new IdentityOperatorProvider();
    }

    @Override
    protected ModelConfig config() {
      return half(baseConfig());
    }
  }
}
