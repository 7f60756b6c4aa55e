/**
 * Built-in attention: power law graph attention (scaled dot-product with the identity operator).
 */
package io.pldr.tf.attention;
