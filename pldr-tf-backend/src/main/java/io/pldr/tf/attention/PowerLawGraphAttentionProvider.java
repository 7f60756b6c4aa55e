package io.pldr.tf.attention;

import io.pldr.api.attention.Attention;
import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionProvider;

/** Provides {@link PowerLawGraphAttention}. */
public final class PowerLawGraphAttentionProvider implements AttentionProvider {
  @Override
  public String description() {
    return "softmax(Q·G_LM·Kᵀ/√d)·V with G_LM from the layer's tensor operator";
  }

  @Override
  public Attention create(AttentionContext context) {
    return new PowerLawGraphAttention(context);
  }
}
