package io.pldr.tf.attention;

import io.pldr.api.attention.Attention;
import io.pldr.api.attention.AttentionContext;
import io.pldr.api.attention.AttentionProvider;

/** Provides {@link PowerLawGraphAttention} under the name {@code power_law_graph}. */
public final class PowerLawGraphAttentionProvider implements AttentionProvider {
  public static final String NAME = "power_law_graph";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "softmax(Q·G_LM·Kᵀ/√d)·V with G_LM from the layer's tensor operator";
  }

  @Override
  public Attention create(AttentionContext context) {
    return new PowerLawGraphAttention(context);
  }
}
