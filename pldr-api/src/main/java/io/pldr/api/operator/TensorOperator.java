package io.pldr.api.operator;

/**
 * What gives a layer its deductive outputs A_LM and G_LM. There are two kinds, and an operator is
 * exactly one of them:
 *
 * <ul>
 *   <li>a {@link MetricOperator} computes them from the layer's metric tensor A (PLDR-LLM v510's
 *       learned deep net, or a user's operator);
 *   <li>a {@link ConstantOperator} holds them fixed when the model is built (the ablations'
 *       identity, random and transferred G_LM); attention then never computes A.
 * </ul>
 */
public sealed interface TensorOperator permits MetricOperator, ConstantOperator {}
