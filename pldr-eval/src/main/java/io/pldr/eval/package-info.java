/**
 * Zero-shot evaluation of PLDR-LLMs as lm-evaluation-harness scores it, with and without
 * G-cache, and the metrics training shares.
 */
package io.pldr.eval;
