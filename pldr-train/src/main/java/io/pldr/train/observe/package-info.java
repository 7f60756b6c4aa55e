/**
 * Watching a training run: a progress display (terminal bar or log lines), TensorBoard event files,
 * a {@code metrics.jsonl} history that survives resumes, and a PNG plot of the loss.
 */
package io.pldr.train.observe;
