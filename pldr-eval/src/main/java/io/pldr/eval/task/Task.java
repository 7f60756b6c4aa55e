package io.pldr.eval.task;

import java.util.List;

/**
 * A zero-shot benchmark in lm-evaluation-harness's definition: the JSONL file it reads, the metrics
 * it reports, and how one item becomes a {@link Doc}. Implementations follow the harness's task
 * YAML and utils of v0.4.12 (field names, prompt templates, target delimiter {@code " "}).
 */
public interface Task {
  /** The harness's task name, used in {@code --tasks} and reports ({@code arc_easy}). */
  String name();

  /** The column title of the paper's tables ({@code ARC-e}). */
  String title();

  /** The file {@code --data} holds for it: {@code name() + ".jsonl"}. */
  default String fileName() {
    return name() + ".jsonl";
  }

  /** Where that file comes from: the Hugging Face dataset, configuration and split. */
  String publishedAs();

  /** The metrics the harness reports for it, the table's metric first. */
  List<String> metrics();

  /** One item of the file as a document. Fails with {@link BadItemException}. */
  Doc doc(Item item);
}
