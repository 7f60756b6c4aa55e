package io.pldr.train.loop;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run reports: where it started ({@code startStep}: 0 for a fresh run, the
 * checkpoint's step when resumed) and the step it ended at ({@code steps}, the whole run's count),
 * final training and validation loss and accuracy, validation perplexity, the unigram entropy of
 * the corpus (the loss of a model that knows only token frequencies), this run's throughput and
 * wall time, the last checkpoint, the loss plot, and sampled text.
 */
public record TrainingSummary(
    long startStep,
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

  /** The steps this run trained: {@code steps - startStep}. */
  public long stepsThisRun() {
    return steps - startStep;
  }

  /** Whether this run continued from a checkpoint. */
  public boolean resumed() {
    return startStep > 0;
  }
}
