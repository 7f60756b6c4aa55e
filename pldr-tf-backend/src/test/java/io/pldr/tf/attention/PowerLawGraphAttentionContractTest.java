package io.pldr.tf.attention;

import io.pldr.api.attention.AttentionContract;
import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.operator.OperatorHarness;
import io.pldr.api.tensor.DType;
import io.pldr.tf.testing.TfOperatorHarness;

/** Power law graph attention passes the attention contract. */
class PowerLawGraphAttentionContractTest extends AttentionContract {
  @Override
  protected AttentionProvider provider() {
    return new PowerLawGraphAttentionProvider();
  }

  @Override
  protected OperatorHarness harness(DType dtype) {
    return new TfOperatorHarness(dtype);
  }
}
