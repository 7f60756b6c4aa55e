/** Built-in tensor operators: the learned PLGA deep net and the identity constant. */
package io.pldr.tf.operator;
