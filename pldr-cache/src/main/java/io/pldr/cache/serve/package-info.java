/**
 * Serving many requests from one shared model: a {@link io.pldr.cache.serve.CompletionEngine} takes
 * completion requests from any number of threads, queues them (bounded), decodes them and hands
 * each one's tokens to its {@link io.pldr.cache.serve.CompletionListener} as they are chosen. No
 * HTTP here: the OpenAI-compatible server of {@code ./pldr serve} sits on top of an engine.
 */
package io.pldr.cache.serve;
