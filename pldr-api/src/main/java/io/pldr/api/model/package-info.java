/** A runnable PLDR-LLM, its parameters and the results of a forward pass. */
package io.pldr.api.model;
