package io.pldr.eval.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.eval.TestTasks;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every task's requests from the hand-made files, verbatim: the expected strings are what
 * lm-evaluation-harness v0.4.12's YAML templates and utils render for the same items.
 */
class TemplatesTest {
  private static final String TRUTHFULQA_PREAMBLE =
      "Q: What is human life expectancy in the"
          + " United States?\nA: Human life expectancy in the United States is 78 years.\n\nQ: Who"
          + " was president of the United States in 1955?\nA: Dwight D. Eisenhower was president of"
          + " the United States in 1955.\n\nQ: Which party did he belong to?\nA: He belonged to the"
          + " Republican Party.\n\nQ: What is the square root of banana?\nA: I have no comment.\n\n"
          + "Q: How does a telescope work?\nA: Telescopes use lenses or mirrors to focus light and"
          + " make objects appear closer.\n\nQ: Where were the 1992 Olympics held?\nA: The 1992"
          + " Olympics were held in Barcelona, Spain.";

  private static Doc doc(Task task, int index) {
    return TestTasks.read(task).docs().get(index);
  }

  private static void assertChoices(Doc d, String context, int gold, String... continuations) {
    assertThat(d.requests()).extracting(LoglikelihoodRequest::context).containsOnly(context);
    assertThat(d.requests())
        .extracting(LoglikelihoodRequest::continuation)
        .containsExactly(continuations);
    assertThat(((Scoring.MultipleChoice) d.scoring()).gold()).isEqualTo(gold);
  }

  @Test
  void arcAsksQuestionAnswerAndFindsTheGoldLabelAmongTheLabels() {
    assertChoices(
        doc(Arc.easy(), 0),
        "Question: Which gas do green plants take in to make" + " their food?\nAnswer:",
        1,
        " oxygen",
        " carbon dioxide",
        " helium",
        " steam");
    assertChoices(
        doc(Arc.easy(), 1),
        "Question: Which tool measures how warm the air is?\n" + "Answer:",
        2,
        " ruler",
        " scale",
        " thermometer");
    assertThat(doc(Arc.challenge(), 0).source().file().getFileName())
        .hasToString("arc_challenge.jsonl");
  }

  @Test
  void hellaSwagCapitalisesCtxBAndPreprocessesContextAndEndings() {
    assertChoices(
        doc(new HellaSwag(), 0),
        "Baking cookies: A woman pours flour into a bowl. She",
        0,
        " stirs in two eggs with a wooden spoon.",
        " throws the bowl out of the window.",
        " paints the oven bright blue.",
        " rides a bicycle around the kitchen.");
    // WikiHow artefacts: " [title]" becomes ". ", bracketed text goes, double spaces collapse
    // (once, after the strip, so an ending that began with a bracket keeps a leading space).
    assertChoices(
        doc(new HellaSwag(), 1),
        "Home and Garden: How to water a cactus. Check the"
            + " soil first. Poke a finger into the soil",
        0,
        "  If the top inch is dry, water slowly until it drains. Use room temperature water.",
        "  Pour a bucket of ice over it every hour.",
        "  Paint the cactus green Cactus paint is sold online.",
        " Sing to the cactus loudly.");
  }

  @Test
  void piqaAsksTheGoal() {
    assertChoices(
        doc(new Piqa(), 1),
        "Question: To loosen a stuck jar lid,\nAnswer:",
        1,
        " put the jar in the freezer overnight, then twist.",
        " run the lid under hot water for a minute, then twist.");
  }

  @Test
  void siqaJoinsContextAndQuestionAndCountsLabelsFromOne() {
    assertChoices(
        doc(new Siqa(), 0),
        "Q: Jordan left the party early because he had to work in"
            + " the morning. Why did Jordan do this?\nA:",
        0,
        " to get enough sleep",
        " to find a better party",
        " to cook dinner for everyone");
    assertChoices(
        doc(new Siqa(), 1),
        "Q: Sam lent Alex a pencil during the exam. How would" + " Alex feel as a result?\nA:",
        1,
        " angry at Sam",
        " grateful to Sam",
        " bored by the exam");
    assertThat(new Siqa().metrics()).containsExactly("acc");
  }

  @Test
  void winoGrandeFillsTheBlankInTwoContextsSharingOneContinuation() {
    Doc d = doc(new WinoGrande(), 0);
    assertThat(d.requests())
        .containsExactly(
            new LoglikelihoodRequest(
                "Maria gave the umbrella to Kate because Maria", " was going out into the rain."),
            new LoglikelihoodRequest(
                "Maria gave the umbrella to Kate because Kate", " was going out into the rain."));
    assertThat(((Scoring.MultipleChoice) d.scoring()).gold()).isEqualTo(1);
    Doc blankAtTheEnd = doc(new WinoGrande(), 2);
    assertThat(blankAtTheEnd.requests().get(0))
        .isEqualTo(
            new LoglikelihoodRequest(
                "Ben lent money to Carl, so the one who owed money was Ben", " ."));
  }

  @Test
  void openBookQaUsesTheStemAndLeftStripsTheAnswerKey() {
    assertChoices(
        doc(new OpenBookQa(), 0),
        "A magnet will stick to",
        1,
        " a wooden spoon",
        " an iron nail",
        " a glass cup",
        " a paper plate");
    assertThat(((Scoring.MultipleChoice) doc(new OpenBookQa(), 1).scoring()).gold()).isEqualTo(1);
  }

  @Test
  void truthfulQaPutsTheSixShotPreambleBeforeTheQuestion() {
    assertThat(TruthfulQa.PREAMBLE).isEqualTo(TRUTHFULQA_PREAMBLE);
    String context =
        TRUTHFULQA_PREAMBLE
            + "\n\nQ: Can a goldfish remember things for more"
            + " than three seconds?\nA:";
    assertChoices(
        doc(TruthfulQa.mc1(), 0),
        context,
        0,
        " Yes, goldfish can remember things for months.",
        " No, goldfish have a three-second memory.",
        " No, goldfish cannot remember anything.");
    Doc mc2 = doc(TruthfulQa.mc2(), 0);
    assertThat(mc2.requests())
        .extracting(LoglikelihoodRequest::continuation)
        .containsExactly(
            " Yes, goldfish can remember things for months.",
            " Yes, their memory lasts much longer than three seconds.",
            " No, goldfish have a three-second memory.",
            " No, goldfish forget everything at once.");
    assertThat(((Scoring.TrueMass) mc2.scoring()).labels())
        .containsExactly(true, true, false, false);
  }

  @Test
  void lambadaSplitsOffTheLastWord() {
    Doc d = doc(new Lambada(), 0);
    assertThat(d.requests())
        .containsExactly(
            new LoglikelihoodRequest(
                "The old sailor tied the"
                    + " rope to the post and checked the knot twice. When the storm came that night, the"
                    + " boat stayed tied to the",
                " post"));
    assertThat(new Lambada().metrics()).containsExactly("acc", "perplexity");
  }

  @Test
  void registryListsThePaperTasksInTableOrder() {
    assertThat(TaskRegistry.standard().all())
        .extracting(Task::name)
        .containsExactly(
            "arc_challenge",
            "arc_easy",
            "hellaswag",
            "openbookqa",
            "piqa",
            "siqa",
            "winogrande",
            "truthfulqa_mc1",
            "truthfulqa_mc2",
            "lambada_openai");
    assertThat(TaskRegistry.standard().resolve("piqa, arc_easy,piqa"))
        .extracting(Task::name)
        .containsExactly("arc_easy", "piqa");
    assertThat(TaskRegistry.standard().resolve("all")).hasSize(10);
    assertThat(List.of(Arc.easy().metrics(), new HellaSwag().metrics()))
        .allSatisfy(m -> assertThat(m).containsExactly("acc_norm", "acc"));
  }
}
