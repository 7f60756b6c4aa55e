package io.pldr.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pldr.eval.FixedEngine;
import io.pldr.eval.TestTasks;
import io.pldr.eval.report.TaskResult;
import io.pldr.eval.task.Arc;
import io.pldr.eval.task.HellaSwag;
import io.pldr.eval.task.Lambada;
import io.pldr.eval.task.Siqa;
import io.pldr.eval.task.Task;
import io.pldr.eval.task.TaskData;
import io.pldr.eval.task.TruthfulQa;
import io.pldr.eval.task.WinoGrande;
import org.junit.jupiter.api.Test;

/** Scores of the hand-made items for fixed log-likelihoods, against hand-computed values. */
class ScoringTest {
  private static final double EXACT = 1e-12;

  /** The documents of {@code task} answered with {@code sums[d]} for document d. */
  private static TaskResult score(Task task, double[]... sums) {
    TaskData data = TestTasks.read(task);
    FixedEngine engine = new FixedEngine();
    for (int d = 0; d < sums.length; d++) {
      engine.put(data.docs().get(d), sums[d]);
    }
    return new Evaluator(engine, EvalProgress.none()).evaluate(data, task.name());
  }

  private static double value(TaskResult r, String metric) {
    return r.metrics().get(metric).value();
  }

  @Test
  void accPicksTheLargestLogLikelihoodAndAccNormDividesByTheChoiceLength() {
    // Item 1, gold "carbon dioxide": acc picks oxygen (−4); per character −4/6, −6/14, −7/6,
    // −5.5/5, so acc_norm picks carbon dioxide. Item 2, gold "thermometer": −1.5 is largest.
    TaskResult r = score(Arc.easy(), new double[] {-4, -6, -7, -5.5}, new double[] {-3, -2, -1.5});
    assertThat(value(r, "acc")).isCloseTo(0.5, within(EXACT));
    assertThat(value(r, "acc_norm")).isCloseTo(1.0, within(EXACT));
    assertThat(r.metrics().get("acc").stderr()).isCloseTo(0.5, within(EXACT)); // √(0.5/2)
    assertThat(r.metrics().keySet()).containsExactly("acc_norm", "acc");
    assertThat(r.primaryMetric()).isEqualTo("acc_norm");
  }

  @Test
  void accNormUsesTheLengthOfThePreprocessedEndingAndTiesGoToTheFirstChoice() {
    // Item 1: −9 of the 34-character ending beats −10 raw, but −10/38 > −9/34 normalised.
    // Item 2: all equal: acc takes the first choice, acc_norm the longest, which is the first.
    TaskResult r =
        score(new HellaSwag(), new double[] {-10, -9, -30, -30}, new double[] {-5, -5, -5, -5});
    assertThat(value(r, "acc")).isCloseTo(0.5, within(EXACT));
    assertThat(value(r, "acc_norm")).isCloseTo(1.0, within(EXACT));
  }

  @Test
  void siqaReportsAccuracyOnly() {
    TaskResult r = score(new Siqa(), new double[] {-1, -2, -3}, new double[] {-1, -2, -3});
    assertThat(r.metrics().keySet()).containsExactly("acc");
    assertThat(value(r, "acc")).isCloseTo(0.5, within(EXACT));
  }

  @Test
  void winoGrandeComparesTheSharedContinuationAfterEachFilledContext() {
    // Gold option 2, option 2 likelier: right. Gold 1, option 2 likelier: wrong. Tie: option 1,
    // gold 2: wrong.
    TaskResult r =
        score(
            new WinoGrande(), new double[] {-5, -4}, new double[] {-3, -2}, new double[] {-1, -1});
    assertThat(value(r, "acc")).isCloseTo(1.0 / 3, within(EXACT));
  }

  @Test
  void truthfulQaMc1ScoresTheFirstChoiceAndMc2TheNormalisedMassOnTrueAnswers() {
    TaskResult mc1 = score(TruthfulQa.mc1(), new double[] {-2, -1, -3}, new double[] {-1, -2});
    assertThat(value(mc1, "acc")).isCloseTo(0.5, within(EXACT));

    TaskResult mc2 =
        score(TruthfulQa.mc2(), new double[] {-1, -2, -1.5, -3}, new double[] {-1, -1, -2});
    double first =
        (Math.exp(-1) + Math.exp(-2))
            / (Math.exp(-1) + Math.exp(-2) + Math.exp(-1.5) + Math.exp(-3)); // labels 1 1 0 0
    double second =
        (Math.exp(-1) + Math.exp(-2))
            / (Math.exp(-1) + Math.exp(-1) + Math.exp(-2)); // labels 1 0 1
    assertThat(value(mc2, "acc")).isCloseTo((first + second) / 2, within(EXACT));
    assertThat(first).isCloseTo(0.648362, within(1e-6));
  }

  @Test
  void mc2StaysFiniteWhereExpOfEveryLogLikelihoodUnderflows() {
    TaskResult mc2 =
        score(
            TruthfulQa.mc2(), new double[] {-2000, -2001, -2000, -5000}, new double[] {-1, -1, -2});
    double first = (1 + Math.exp(-1)) / (2 + Math.exp(-1));
    double second = (Math.exp(-1) + Math.exp(-2)) / (2 * Math.exp(-1) + Math.exp(-2));
    assertThat(value(mc2, "acc")).isCloseTo((first + second) / 2, within(EXACT));
  }

  @Test
  void lambadaAccuracyIsGreedyMatchAndPerplexityIsExpOfMinusTheMeanDocumentLogLikelihood() {
    TaskData data = TestTasks.read(new Lambada());
    FixedEngine engine =
        new FixedEngine()
            .put(data.docs().get(0).requests().get(0), -2, true)
            .put(data.docs().get(1).requests().get(0), -4, false);
    TaskResult r = new Evaluator(engine, EvalProgress.none()).evaluate(data, "lambada");
    assertThat(value(r, "acc")).isCloseTo(0.5, within(EXACT));
    assertThat(value(r, "perplexity")).isCloseTo(Math.exp(3), within(1e-9));
    assertThat(r.metrics().get("perplexity").stderr()).isNull();
    assertThat(r.loglikelihoods()).containsExactly(-2.0, -4.0);
  }

  @Test
  void requestsOfManyDocumentsGoToTheEngineTogether() {
    TaskData data = TestTasks.read(Arc.easy());
    FixedEngine engine =
        new FixedEngine()
            .put(data.docs().get(0), -1, -2, -3, -4)
            .put(data.docs().get(1), -1, -2, -3);
    new Evaluator(engine, EvalProgress.none()).evaluate(data, "arc_easy");
    assertThat(engine.calls()).hasSize(1);
    assertThat(engine.calls().get(0)).hasSize(7);
  }
}
