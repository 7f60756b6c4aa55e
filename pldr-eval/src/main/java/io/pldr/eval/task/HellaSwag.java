package io.pldr.eval.task;

import io.pldr.eval.text.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * HellaSwag ({@code Rowan/hellaswag}): context {@code preprocess(activity_label + ": " + ctx_a + "
 * " + capitalize(ctx_b))}, choices {@code preprocess(ending)} for each of {@code endings}, gold
 * {@code label}. The preprocessing is the harness's: strip, {@code " [title]"} → {@code ". "}, drop
 * bracketed text, collapse double spaces.
 */
public final class HellaSwag extends AbstractTask {
  private static final Pattern BRACKETED = Pattern.compile("\\[.*?\\]", Pattern.UNIX_LINES);

  public HellaSwag() {
    super("hellaswag", "HellaSwag", "Rowan/hellaswag, split validation", ACC_AND_NORM);
  }

  @Override
  public Doc doc(Item item) {
    String ctx = item.text("ctx_a") + " " + PythonText.capitalize(item.text("ctx_b"));
    String query = preprocess(item.text("activity_label") + ": " + ctx);
    List<String> choices = new ArrayList<>();
    for (String ending : item.texts("endings")) {
      choices.add(preprocess(ending));
    }
    return multipleChoice(item, query, choices, item.gold("label", 0, choices.size()));
  }

  /** The harness's {@code preprocess}: WikiHow's bracket artefacts removed. */
  static String preprocess(String text) {
    String t = PythonText.strip(text);
    t = t.replace(" [title]", ". ");
    t = BRACKETED.matcher(t).replaceAll("");
    return t.replace("  ", " ");
  }
}
