package io.pldr.eval.task;

import io.pldr.eval.text.PythonText;
import java.util.List;

/**
 * OpenBookQA ({@code allenai/openbookqa}, main): fields {@code question_stem},
 * {@code choices.text}, {@code choices.label}, {@code answerKey}; the context is the stem itself;
 * gold the index of the answer key (left-stripped) among the labels.
 */
public final class OpenBookQa extends AbstractTask {
  public OpenBookQa() {
    super("openbookqa", "OBQA", "allenai/openbookqa, configuration main, split test",
        ACC_AND_NORM);
  }

  @Override
  public Doc doc(Item item) {
    String stem = item.text("question_stem");
    List<String> choices = item.texts("choices.text");
    List<String> labels = item.texts("choices.label");
    if (labels.size() != choices.size()) {
      throw item.malformed("choices.text has " + choices.size() + " entries but choices.label "
          + labels.size());
    }
    int gold = item.goldKey("answerKey", PythonText.lstrip(item.text("answerKey")),
        "choices.label", labels);
    return multipleChoice(item, stem, choices, gold);
  }
}
