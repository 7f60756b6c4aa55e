/**
 * Ablations: variants of one training configuration (operator, seed, any model or training field)
 * trained on the same data order for the same steps, resumable variant by variant, and compared in
 * a table (Markdown, CSV) and one plot of their loss curves (docs/ablation.md).
 */
package io.pldr.train.ablation;
