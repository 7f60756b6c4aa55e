package io.pldr.eval.task;

import java.util.List;

/**
 * PIQA ({@code ybisk/piqa}; the harness reads its copy {@code baber/piqa}): fields {@code goal},
 * {@code sol1}, {@code sol2}, {@code label} (0 or 1); context {@code "Question: {goal}\nAnswer:"}.
 */
public final class Piqa extends AbstractTask {
  public Piqa() {
    super(
        "piqa",
        "PIQA",
        "ybisk/piqa (the harness reads its copy baber/piqa), split validation",
        ACC_AND_NORM);
  }

  @Override
  public Doc doc(Item item) {
    List<String> choices = List.of(item.text("sol1"), item.text("sol2"));
    return multipleChoice(
        item, "Question: " + item.text("goal") + "\nAnswer:", choices, item.gold("label", 0, 2));
  }
}
