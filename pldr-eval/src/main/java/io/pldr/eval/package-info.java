/**
 * Zero-shot evaluation of PLDR-LLMs as lm-evaluation-harness scores it, with and without G-cache,
 * the metrics training shares, and the invariance report of A_LM and G_LM.
 */
package io.pldr.eval;
