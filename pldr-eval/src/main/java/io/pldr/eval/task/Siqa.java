package io.pldr.eval.task;

import java.util.List;

/**
 * Social IQa ({@code allenai/social_i_qa}; the harness's {@code social_iqa}): fields {@code
 * context}, {@code question}, {@code answerA..C}, {@code label} 1..3; context {@code "Q: {context}
 * {question}\nA:"}; accuracy only.
 */
public final class Siqa extends AbstractTask {
  public Siqa() {
    super("siqa", "SIQA", "allenai/social_i_qa, split validation", ACC);
  }

  @Override
  public Doc doc(Item item) {
    List<String> choices =
        List.of(item.text("answerA"), item.text("answerB"), item.text("answerC"));
    String context = "Q: " + item.text("context") + " " + item.text("question") + "\nA:";
    return multipleChoice(item, context, choices, item.gold("label", 1, 3));
  }
}
