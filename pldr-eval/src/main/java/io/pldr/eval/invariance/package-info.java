/** The paper's invariance measurements of A_LM and G_LM (RMSE and determinants, float64). */
package io.pldr.eval.invariance;
