package io.pldr.api.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text read as strict UTF-8: an invalid byte sequence fails with a {@link MalformedTextException}
 * naming the file, the line and the byte offset, where Java's readers either put U+FFFD in its
 * place silently or fail with "Input length = 1". Lines end at {@code \n}, {@code \r\n} or {@code
 * \r}, as {@link java.io.BufferedReader#readLine()} has it; a byte-order mark is kept (callers that
 * accept one strip it).
 */
public final class StrictText {
  private StrictText() {}

  /** The whole of {@code file} as text. */
  public static String readString(Path file) throws IOException {
    return decode(Files.readAllBytes(file), file.toString());
  }

  /** The lines of {@code file}, without their line ends. */
  public static List<String> readAllLines(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    try (LineReader r = open(file)) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    }
    return lines;
  }

  /**
   * {@code bytes} as text; {@code source} names them in the message of a {@link
   * MalformedTextException}.
   */
  public static String decode(byte[] bytes, String source) throws MalformedTextException {
    CharsetDecoder decoder = decoder();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      long line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= at || bytes[i + 1] != '\n'))) {
          line++;
        }
      }
      throw new MalformedTextException(source, line, at, hex(bytes, at, r.length()));
    }
    return out.flip().toString();
  }

  /** A reader of {@code file}'s lines; close it. */
  public static LineReader open(Path file) throws IOException {
    return new LineReader(Files.newInputStream(file), file.toString());
  }

  /**
   * A reader of the lines of {@code in}, named {@code source} in messages; closing it closes in.
   */
  public static LineReader lines(InputStream in, String source) {
    return new LineReader(in, source);
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private static String hex(byte[] bytes, int from, int length) {
    StringBuilder s = new StringBuilder(length == 1 ? "byte" : "bytes");
    for (int i = from; i < Math.min(bytes.length, from + Math.max(1, length)); i++) {
      s.append(String.format(" 0x%02X", bytes[i] & 0xFF));
    }
    return s.toString();
  }

  /**
   * Lines of a stream decoded as strict UTF-8, one at a time; memory holds one line. {@link
   * #lineNumber()} is the number of the line last returned.
   */
  public static final class LineReader implements Closeable {
    private final InputStream in;
    private final String source;
    private final CharsetDecoder decoder = decoder();
    private byte[] line = new byte[256];
    private long lineNumber;
    private long offset;
    private boolean pendingCr;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;

    private LineReader(InputStream in, String source) {
      this.in = in;
      this.source = source;
    }

    /** The next line without its end, or null at the end of the stream. */
    public String readLine() throws IOException {
      int n = 0;
      boolean any = false;
      long start = offset;
      while (true) {
        if (pos == limit) {
          limit = in.read(buffer);
          pos = 0;
          if (limit < 0) {
            limit = 0;
            if (!any) {
              return null;
            }
            break;
          }
          continue;
        }
        if (pendingCr) {
          pendingCr = false;
          if (buffer[pos] == '\n') {
            pos++;
            offset++;
            start++;
            continue;
          }
        }
        any = true;
        int from = pos;
        int end = from;
        while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
          end++;
        }
        int length = end - from;
        if (n + length > line.length) {
          line = Arrays.copyOf(line, Math.max(n + length, line.length * 2));
        }
        System.arraycopy(buffer, from, line, n, length);
        n += length;
        offset += length;
        pos = end;
        if (end < limit) {
          pendingCr = buffer[end] == '\r';
          pos++;
          offset++;
          break;
        }
      }
      lineNumber++;
      return decodeLine(n, start);
    }

    private String decodeLine(int n, long start) throws MalformedTextException {
      decoder.reset();
      ByteBuffer bytes = ByteBuffer.wrap(line, 0, n);
      CharBuffer chars = CharBuffer.allocate(n);
      CoderResult r = decoder.decode(bytes, chars, true);
      if (!r.isError()) {
        r = decoder.flush(chars);
      }
      if (r.isError()) {
        int at = bytes.position();
        throw new MalformedTextException(source, lineNumber, start + at, hex(line, at, r.length()));
      }
      return chars.flip().toString();
    }

    /** The number of the line last returned, from 1; 0 before the first. */
    public long lineNumber() {
      return lineNumber;
    }

    /** The source's name, as messages give it. */
    public String source() {
      return source;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
