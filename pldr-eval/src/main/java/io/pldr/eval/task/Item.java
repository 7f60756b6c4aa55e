package io.pldr.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One JSON object of a task file with typed access to its fields; a missing field or one of the
 * wrong type fails naming the file, line and field. Dotted names reach into nested objects ({@code
 * choices.text}).
 */
public record Item(JsonNode json, Source source) {
  /** A string field. */
  public String text(String field) {
    JsonNode n = node(field);
    if (!n.isTextual()) {
      throw malformed("field '" + field + "' must be a string, found " + n);
    }
    return n.asText();
  }

  /** A non-empty list of strings. */
  public List<String> texts(String field) {
    return list(field, JsonNode::isTextual, JsonNode::asText, "strings");
  }

  /** A non-empty list of integers (0/1 labels). */
  public List<Integer> integers(String field) {
    return list(field, JsonNode::isIntegralNumber, JsonNode::asInt, "integers");
  }

  private <T> List<T> list(
      String field, Predicate<JsonNode> is, Function<JsonNode, T> as, String what) {
    JsonNode n = node(field);
    if (!n.isArray() || n.isEmpty()) {
      throw malformed("field '" + field + "' must be a non-empty list of " + what + ", found " + n);
    }
    List<T> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!is.test(e)) {
        throw malformed("field '" + field + "' must hold " + what + " only, found " + e);
      }
      out.add(as.apply(e));
    }
    return out;
  }

  /**
   * A gold label, an integer or a string holding one (the exports keep some labels as strings),
   * minus {@code base}, which must index one of {@code choices} choices.
   */
  public int gold(String field, int base, int choices) {
    JsonNode n = node(field);
    Integer value = null;
    if (n.isIntegralNumber()) {
      value = n.asInt();
    } else if (n.isTextual()) {
      try {
        value = Integer.parseInt(n.asText().strip());
      } catch (NumberFormatException e) {
        value = null;
      }
    }
    if (value == null || value - base < 0 || value - base >= choices) {
      throw new BadItemException(
          source,
          BadItemException.Kind.GOLD_OUT_OF_RANGE,
          "gold label '"
              + field
              + "' = "
              + n
              + " is out of range: expected "
              + base
              + ".."
              + (base + choices - 1)
              + " for "
              + choices
              + " choices");
    }
    return value - base;
  }

  /** The index of {@code key} (the gold answer key) in the labels {@code labels}. */
  public int goldKey(String keyField, String key, String labelsField, List<String> labels) {
    int i = labels.indexOf(key);
    if (i < 0) {
      throw new BadItemException(
          source,
          BadItemException.Kind.GOLD_OUT_OF_RANGE,
          "gold label '"
              + keyField
              + "' = \""
              + key
              + "\" is not one of "
              + labelsField
              + " "
              + labels);
    }
    return i;
  }

  /** The node at a dotted path; missing fails. */
  public JsonNode node(String field) {
    JsonNode n = json;
    for (String part : field.split("\\.")) {
      n = n.isObject() ? n.get(part) : null;
      if (n == null || n.isNull()) {
        throw malformed("missing field '" + field + "'");
      }
    }
    return n;
  }

  /** A malformed-item failure for this item. */
  public BadItemException malformed(String problem) {
    return new BadItemException(source, BadItemException.Kind.MALFORMED, problem);
  }
}
