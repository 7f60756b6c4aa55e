package io.pldr.examples.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.cache.CachedDecodingContract;
import java.util.Map;

/** The plug-in operator decodes with KV-cache and G-cache as pldr-cache's contract asks. */
class LowRankCachedDecodingTest extends CachedDecodingContract {
  @Override
  protected TensorOperatorProvider operator() {
    return new LowRankOperatorProvider();
  }

  @Override
  protected ModelConfig config() {
    return withOptions(Map.of(LowRankOptions.RANK, "2"));
  }
}
