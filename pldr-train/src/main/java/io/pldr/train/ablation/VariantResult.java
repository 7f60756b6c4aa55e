package io.pldr.train.ablation;

/**
 * One row of an ablation table: a finished variant's operator, parameter count, steps, final
 * training loss, and validation loss, accuracy and perplexity after the last step, with the
 * training throughput. Missing values are NaN.
 */
public record VariantResult(
    String name,
    String operator,
    long parameters,
    long steps,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double validationPerplexity,
    double tokensPerSecond) {}
