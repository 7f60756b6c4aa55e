/**
 * The pldr SPIs on TensorFlow Java in graph mode: the PLDR-LLM v510 model, its tensor operators and
 * attention, reference checkpoint import, and the Guice modules that wire them.
 */
package io.pldr.tf;
