/**
 * The benchmarks as lm-evaluation-harness defines them (v0.4.12): one class per task family,
 * reading the published datasets exported as JSON lines.
 */
package io.pldr.eval.task;
