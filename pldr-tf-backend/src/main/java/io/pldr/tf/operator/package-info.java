/**
 * Built-in tensor operators: the learned PLGA deep net, and the constants of the ablations
 * (identity, random, and A_LM, G_LM from a G-cache file as external or transferred).
 */
package io.pldr.tf.operator;
