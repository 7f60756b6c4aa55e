package io.pldr.api.config;

/**
 * A configuration that cannot be used: names the file (or other source), the field, and what was
 * expected.
 */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final String field;

  public ConfigException(String source, String field, String message) {
    super(source + ": " + (field.isEmpty() ? "" : "field '" + field + "': ") + message);
    this.source = source;
    this.field = field;
  }

  public ConfigException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
    this.field = "";
  }

  /** The file or other source of the configuration. */
  public String source() {
    return source;
  }

  /** The offending field, or empty when the whole file is at fault. */
  public String field() {
    return field;
  }
}
