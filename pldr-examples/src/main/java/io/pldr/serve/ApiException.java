package io.pldr.serve;

import java.util.Optional;

/**
 * A request the server refuses, answered with its HTTP status and an OpenAI-style error object
 * naming the offending field.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String param;
  private final String code;

  /** A refusal with {@code status}, error {@code type}, the field ({@code param}) and a code. */
  public ApiException(int status, String type, String param, String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** A 400 {@code invalid_request_error} about {@code param}. */
  public static ApiException invalid(String param, String message) {
    return new ApiException(
        400, "invalid_request_error", param, "invalid_" + codeOf(param), message);
  }

  private static String codeOf(String param) {
    return param == null ? "request" : param.replaceAll("[^a-z_]", "");
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** The field at fault, if one is. */
  public Optional<String> param() {
    return Optional.ofNullable(param);
  }

  public Optional<String> code() {
    return Optional.ofNullable(code);
  }
}
