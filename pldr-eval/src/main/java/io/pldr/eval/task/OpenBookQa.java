package io.pldr.eval.task;

import io.pldr.eval.text.PythonText;

/**
 * OpenBookQA ({@code allenai/openbookqa}, main): fields {@code question_stem}, {@code
 * choices.text}, {@code choices.label}, {@code answerKey}; the context is the stem itself; gold the
 * index of the answer key (left-stripped) among the labels.
 */
public final class OpenBookQa extends AbstractTask {
  public OpenBookQa() {
    super("openbookqa", "OBQA", "allenai/openbookqa, configuration main, split test", ACC_AND_NORM);
  }

  @Override
  public Doc doc(Item item) {
    return labelledChoices(
        item, item.text("question_stem"), PythonText.lstrip(item.text("answerKey")));
  }
}
