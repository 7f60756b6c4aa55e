package io.pldr.eval.task;

import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.ArrayList;
import java.util.List;

/** A task's names, source and metrics; subclasses turn items into documents. */
abstract class AbstractTask implements Task {
  /** The harness's default target delimiter between context and choice. */
  static final String DELIMITER = " ";

  static final List<String> ACC = List.of("acc");
  static final List<String> ACC_AND_NORM = List.of("acc_norm", "acc");

  private final String name;
  private final String title;
  private final String publishedAs;
  private final List<String> metrics;

  AbstractTask(String name, String title, String publishedAs, List<String> metrics) {
    this.name = name;
    this.title = title;
    this.publishedAs = publishedAs;
    this.metrics = List.copyOf(metrics);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public String publishedAs() {
    return publishedAs;
  }

  @Override
  public List<String> metrics() {
    return metrics;
  }

  /** One context, one request per choice with the continuation {@code " " + choice}. */
  static Doc multipleChoice(Item item, String context, List<String> choices, int gold) {
    List<LoglikelihoodRequest> requests = new ArrayList<>();
    for (String c : choices) {
      requests.add(new LoglikelihoodRequest(context, DELIMITER + c));
    }
    return new Doc(item.source(), requests, new Scoring.MultipleChoice(gold, choices));
  }

  /**
   * The choices {@code choices.text} of an item whose gold answer is {@code key} among {@code
   * choices.label} (ARC, OpenBookQA), after {@code context}.
   */
  static Doc labelledChoices(Item item, String context, String key) {
    List<String> choices = item.texts("choices.text");
    List<String> labels = item.texts("choices.label");
    if (labels.size() != choices.size()) {
      throw item.malformed(
          "choices.text has " + choices.size() + " entries but choices.label " + labels.size());
    }
    return multipleChoice(
        item, context, choices, item.goldKey("answerKey", key, "choices.label", labels));
  }

  @Override
  public String toString() {
    return name;
  }
}
