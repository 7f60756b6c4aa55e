/**
 * Implementations of pldr-api's metric SPI that training and evaluation share: accuracy,
 * perplexity, RMSE, log-determinant.
 */
package io.pldr.eval.metric;
