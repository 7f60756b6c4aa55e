/** Evaluation results, their comparison across cache settings, JSON and the paper's table. */
package io.pldr.eval.report;
