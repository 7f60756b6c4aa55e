/** Running models on TensorFlow sessions: the model, its inputs and host copies of tensors. */
package io.pldr.tf.runtime;
