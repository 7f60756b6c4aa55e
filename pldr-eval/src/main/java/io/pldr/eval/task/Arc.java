package io.pldr.eval.task;

/**
 * ARC-Easy and ARC-Challenge ({@code allenai/ai2_arc}): fields {@code question}, {@code
 * choices.text}, {@code choices.label}, {@code answerKey}; context {@code "Question:
 * {question}\nAnswer:"}; gold the answer key's index among the labels.
 */
public final class Arc extends AbstractTask {
  private Arc(String name, String title, String config) {
    super(name, title, "allenai/ai2_arc, configuration " + config + ", split test", ACC_AND_NORM);
  }

  /** {@code arc_easy}. */
  public static Arc easy() {
    return new Arc("arc_easy", "ARC-e", "ARC-Easy");
  }

  /** {@code arc_challenge}. */
  public static Arc challenge() {
    return new Arc("arc_challenge", "ARC-c", "ARC-Challenge");
  }

  @Override
  public Doc doc(Item item) {
    return labelledChoices(
        item, "Question: " + item.text("question") + "\nAnswer:", item.text("answerKey"));
  }
}
