package io.pldr.examples.operator;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.operator.TensorOperatorContract;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.DType;
import io.pldr.tf.testing.TfOperatorHarness;

/** The example operator passes the contract every tensor operator passes. */
class LowRankOperatorContractTest extends TensorOperatorContract {
  @Override
  protected TensorOperatorProvider provider() {
    return new LowRankOperatorProvider();
  }

  @Override
  protected OperatorHarness harness(DType dtype) {
    return new TfOperatorHarness(dtype);
  }

  @Override
  protected ModelConfig config() {
    ModelConfig c = super.config();
    return c.toBuilder()
        .setTensorOperator(c.getTensorOperator().toBuilder().putOptions(LowRankOptions.RANK, "2"))
        .build();
  }
}
