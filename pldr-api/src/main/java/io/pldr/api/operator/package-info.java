/**
 * The tensor-operator SPI: what produces a layer's deductive outputs (A_LM, G_LM) from its metric
 * tensor. Ablations swap the provider by configuration.
 */
package io.pldr.api.operator;
