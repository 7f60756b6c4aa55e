/**
 * Guice wiring: one module per backend, operator and attention variant; operators and attention
 * variants are contributed to name-keyed map bindings, and the configuration selects among them
 * without code changes.
 */
package io.pldr.tf.inject;
