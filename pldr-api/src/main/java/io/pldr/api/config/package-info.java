/**
 * The model configuration: a Protocol Buffers schema ({@code pldr/config/model_config.proto}),
 * edited by people in text format, and its validation.
 */
package io.pldr.api.config;
