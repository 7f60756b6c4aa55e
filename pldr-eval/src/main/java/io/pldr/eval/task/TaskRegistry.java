package io.pldr.eval.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The tasks pldr evaluates, by name, in the order of the paper's tables. */
public final class TaskRegistry {
  private final Map<String, Task> tasks = new LinkedHashMap<>();

  /** A registry of {@code tasks}, in that order. */
  public TaskRegistry(List<Task> tasks) {
    for (Task t : tasks) {
      if (this.tasks.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("two tasks are named " + t.name());
      }
    }
  }

  /**
   * ARC-Challenge, ARC-Easy, HellaSwag, OpenBookQA, PIQA, SIQA, WinoGrande, TruthfulQA MC1 and MC2,
   * LAMBADA (OpenAI).
   */
  public static TaskRegistry standard() {
    return new TaskRegistry(
        List.of(
            Arc.challenge(),
            Arc.easy(),
            new HellaSwag(),
            new OpenBookQa(),
            new Piqa(),
            new Siqa(),
            new WinoGrande(),
            TruthfulQa.mc1(),
            TruthfulQa.mc2(),
            new Lambada()));
  }

  /** Every task, in table order. */
  public List<Task> all() {
    return List.copyOf(tasks.values());
  }

  /** The task named {@code name}; an unknown name fails listing the known ones. */
  public Task get(String name) {
    Task t = tasks.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "unknown task '"
              + name
              + "'; known tasks: "
              + String.join(", ", tasks.keySet())
              + " (or all)");
    }
    return t;
  }

  /**
   * The tasks a comma-separated list names ({@code all} for every one), in table order, each once.
   */
  public List<Task> resolve(String list) {
    Set<String> names = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      String name = part.strip();
      if (name.equals("all")) {
        names.addAll(tasks.keySet());
      } else if (!name.isEmpty()) {
        get(name);
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "no task named in '"
              + list
              + "'; known tasks: "
              + String.join(", ", tasks.keySet())
              + " (or all)");
    }
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (names.contains(t.name())) {
        out.add(t);
      }
    }
    return out;
  }
}
