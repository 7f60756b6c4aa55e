package io.pldr.tf.ops;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.TensorOpsContract;
import io.pldr.api.tensor.TensorOpsHarness;
import io.pldr.tf.testing.TfTensorOpsHarness;

/**
 * {@link TfTensorOps} in inference graphs (their own softmax, variables read directly) computes
 * what training graphs do: the {@code TensorOps} contract without its gradient checks.
 */
class TfTensorOpsInferenceContractTest extends TensorOpsContract {
  @Override
  protected TensorOpsHarness harness(DType floatType) {
    return new TfTensorOpsHarness(floatType, GraphMode.INFERENCE);
  }

  @Override
  protected boolean differentiable() {
    return false;
  }
}
