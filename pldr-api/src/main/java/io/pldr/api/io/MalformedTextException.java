package io.pldr.api.io;

import java.io.IOException;

/**
 * Text that is not valid UTF-8: the message names the source (a file), the line (from 1) and the
 * byte offset in the file (from 0) of the first invalid byte.
 */
public final class MalformedTextException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String detail;
  private final long line;
  private final long byteOffset;

  /** The error at {@code line} and {@code byteOffset} of {@code source}; {@code bad}: the bytes. */
  public MalformedTextException(String source, long line, long byteOffset, String bad) {
    super(source + ": " + detail(line, byteOffset, bad));
    this.detail = detail(line, byteOffset, bad);
    this.source = source;
    this.line = line;
    this.byteOffset = byteOffset;
  }

  private static String detail(long line, long byteOffset, String bad) {
    return "line "
        + line
        + " (byte "
        + byteOffset
        + ") is not valid UTF-8 ("
        + bad
        + "); pldr reads text as UTF-8 only";
  }

  /** The message without the source: {@code line 3 (byte 517) is not valid UTF-8 (...)...}. */
  public String detail() {
    return detail;
  }

  /** The file or other source, as named in the message. */
  public String source() {
    return source;
  }

  /** The line of the first invalid byte, from 1. */
  public long line() {
    return line;
  }

  /** The offset of the first invalid byte from the start of the source, from 0. */
  public long byteOffset() {
    return byteOffset;
  }
}
