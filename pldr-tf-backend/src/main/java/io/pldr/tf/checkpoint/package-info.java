/** Import of checkpoints written by the paper's reference implementation. */
package io.pldr.tf.checkpoint;
