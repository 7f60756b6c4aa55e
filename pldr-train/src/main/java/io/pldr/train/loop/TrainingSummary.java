package io.pldr.train.loop;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run reports: steps, final training and validation loss and accuracy, validation
 * perplexity, the unigram entropy of the corpus (the loss of a model that knows only token
 * frequencies), throughput, the last checkpoint, the loss plot, and sampled text.
 */
public record TrainingSummary(
    long steps,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double validationPerplexity,
    double unigramEntropy,
    double tokensPerSecond,
    long seconds,
    Path checkpoint,
    Path lossPlot,
    List<String> samples) {
  public TrainingSummary {
    samples = List.copyOf(samples);
  }
}
