/**
 * The pldr API: the specification of a PLDR-LLM (Large Language Model from Power Law Decoder
 * Representations) as interfaces and value types. Backends implement it; users extend it with their
 * own tensor operators and attention variants without naming a backend type.
 *
 * <ul>
 *   <li>{@link io.pldr.api.tensor}: a small backend-neutral tensor algebra;
 *   <li>{@link io.pldr.api.operator}: the tensor-operator SPI (metric tensor to A_LM, G_LM);
 *   <li>{@link io.pldr.api.attention}: the attention SPI;
 *   <li>{@link io.pldr.api.cache}: KV-cache and G-cache contracts;
 *   <li>{@link io.pldr.api.metric}: the metric SPI shared by training and evaluation;
 *   <li>{@link io.pldr.api.model}: a runnable model and its results;
 *   <li>{@link io.pldr.api.text}: the tokenizer SPI;
 *   <li>{@link io.pldr.api.config}: the model configuration (Protocol Buffers, text format);
 *   <li>{@link io.pldr.api.io}: text files read as strict UTF-8, I/O errors in words.
 * </ul>
 */
package io.pldr.api;
