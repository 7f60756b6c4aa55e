package io.pldr.api.attention;

import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;

/** What an attention variant is built for: the layer's context and its tensor operator. */
public record AttentionContext(OperatorContext layer, TensorOperator operator) {}
