package io.pldr.eval.run;

/** Where an evaluation reports how far it is: a bar on a terminal, log lines, or nothing. */
public interface EvalProgress {
  /** A new stage of {@code total} documents begins ({@code "arc_easy, g_cache"}). */
  void start(String label, long total);

  /** {@code done} more documents are scored. */
  void advance(long done);

  /** The stage is over. */
  void finish();

  /** Progress that shows nothing. */
  static EvalProgress none() {
    return new EvalProgress() {
      @Override
      public void start(String label, long total) {}

      @Override
      public void advance(long done) {}

      @Override
      public void finish() {}
    };
  }
}
