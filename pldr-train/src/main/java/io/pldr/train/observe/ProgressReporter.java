package io.pldr.train.observe;

/**
 * Shows how far a training run has come. The loop calls {@link #start} once, {@link #step} after
 * every optimizer step (implementations decide how often they actually display), and {@link
 * #message} for occasional events such as a validation result or a saved checkpoint.
 * Implementations are safe to call from one training thread; they may render on their own.
 */
public interface ProgressReporter extends AutoCloseable {

  /**
   * Begins a run of {@code totalSteps} steps that starts after step {@code startStep} (0 for a
   * fresh run, the checkpoint's step when resuming).
   */
  void start(long totalSteps, long startStep);

  /** Reports a finished step. */
  void step(StepStats stats);

  /** Shows a one-line message without disturbing the display of progress. */
  void message(String text);

  /** Ends the display; further calls are ignored. */
  @Override
  void close();
}
