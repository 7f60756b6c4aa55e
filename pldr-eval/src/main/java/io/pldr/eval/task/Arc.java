package io.pldr.eval.task;

import java.util.List;

/**
 * ARC-Easy and ARC-Challenge ({@code allenai/ai2_arc}): fields {@code question},
 * {@code choices.text}, {@code choices.label}, {@code answerKey}; context
 * {@code "Question: {question}\nAnswer:"}; gold the answer key's index among the labels.
 */
public final class Arc extends AbstractTask {
  private Arc(String name, String title, String config) {
    super(name, title, "allenai/ai2_arc, configuration " + config + ", split test",
        ACC_AND_NORM);
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
    String question = item.text("question");
    List<String> choices = item.texts("choices.text");
    List<String> labels = item.texts("choices.label");
    if (labels.size() != choices.size()) {
      throw item.malformed("choices.text has " + choices.size() + " entries but choices.label "
          + labels.size());
    }
    int gold = item.goldKey("answerKey", item.text("answerKey"), "choices.label", labels);
    return multipleChoice(item, "Question: " + question + "\nAnswer:", choices, gold);
  }
}
