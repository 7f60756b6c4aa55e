/**
 * Decoding with KV-cache and G-cache: the prompt pass keeps each layer's keys, values, refined
 * metric tensor and deductive outputs (A_LM, G_LM) as native tensors, and each later step feeds
 * them back to a graph built for its cache mode.
 */
package io.pldr.cache;
