package io.pldr.eval.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an evaluation report says about itself: its format and version, the harness definitions it
 * follows, the model (a name for the table rows and details such as the checkpoint, shape and
 * operator), the run's options, and when it was made.
 */
public record Header(
    String format,
    int version,
    String harness,
    String model,
    Map<String, Object> details,
    Map<String, Object> options,
    String created) {
  /** The format name written into every report. */
  public static final String FORMAT = "pldr-eval";

  /** The format version. */
  public static final int VERSION = 1;

  /** The lm-evaluation-harness release whose task definitions and scoring pldr follows. */
  public static final String HARNESS = "lm-evaluation-harness v0.4.12";

  public Header {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** A header of the current format for {@code model}. */
  public static Header of(
      String model, Map<String, Object> details, Map<String, Object> options, String created) {
    return new Header(FORMAT, VERSION, HARNESS, model, details, options, created);
  }
}
