package io.pldr.tf.ops;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.TensorOpsContract;
import io.pldr.api.tensor.TensorOpsHarness;
import io.pldr.tf.testing.TfTensorOpsHarness;

/** {@link TfTensorOps} in training graphs passes the {@code TensorOps} contract, gradients too. */
class TfTensorOpsContractTest extends TensorOpsContract {
  @Override
  protected TensorOpsHarness harness(DType floatType) {
    return new TfTensorOpsHarness(floatType, GraphMode.TRAINING);
  }
}
