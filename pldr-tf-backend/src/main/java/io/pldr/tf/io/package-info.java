/** File formats: safetensors reading and writing, atomic writes. */
package io.pldr.tf.io;
