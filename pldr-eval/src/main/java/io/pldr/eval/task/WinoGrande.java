package io.pldr.eval.task;

import io.pldr.eval.request.LoglikelihoodRequest;
import io.pldr.eval.text.PythonText;
import java.util.ArrayList;
import java.util.List;

/**
 * WinoGrande ({@code allenai/winogrande}, winogrande_xl) with the harness's partial scoring: each
 * option fills the blank {@code _} of {@code sentence}, giving two contexts (the sentence up to the
 * blank, then the option); both share one continuation, {@code " "} + the stripped text after the
 * blank, whose log-likelihoods are compared. Gold {@code answer} "1" or "2"; accuracy only.
 */
public final class WinoGrande extends AbstractTask {
  public WinoGrande() {
    super(
        "winogrande",
        "WinoG",
        "allenai/winogrande, configuration winogrande_xl, split" + " validation",
        ACC);
  }

  @Override
  public Doc doc(Item item) {
    String sentence = item.text("sentence");
    int blank = sentence.indexOf('_');
    if (blank < 0) {
      throw item.malformed("field 'sentence' has no blank '_': " + sentence);
    }
    List<String> contexts = new ArrayList<>();
    for (String option : List.of(item.text("option1"), item.text("option2"))) {
      contexts.add(sentence.substring(0, blank) + option);
    }
    String continuation = DELIMITER + PythonText.strip(sentence.substring(blank + 1));
    List<LoglikelihoodRequest> requests = new ArrayList<>();
    for (String c : contexts) {
      requests.add(new LoglikelihoodRequest(c, continuation));
    }
    return new Doc(
        item.source(), requests, new Scoring.MultipleChoice(item.gold("answer", 1, 2), contexts));
  }
}
