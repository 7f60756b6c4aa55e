package io.pldr.train.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A binary token file mapped into memory: little-endian, unsigned 16-bit ids when the vocabulary
 * has at most 65536 ids, else signed 32-bit, no header (numpy reads it with {@code np.memmap(path,
 * dtype="<u2")} or {@code "<i4"}). It is mapped in pieces of 1 GiB, so files larger than the heap
 * or memory work; the operating system pages them in.
 */
public final class TokenFile implements TokenSequence {
  /** The width of one stored id. */
  public enum Width {
    /** Unsigned 16-bit: vocabularies up to 65536 ids. */
    UINT16(2, "<u2"),
    /** Signed 32-bit: larger vocabularies. */
    INT32(4, "<i4");

    private final int bytes;
    private final String numpy;

    Width(int bytes, String numpy) {
      this.bytes = bytes;
      this.numpy = numpy;
    }

    /** Bytes per id. */
    public int bytes() {
      return bytes;
    }

    /** The numpy dtype string. */
    public String numpy() {
      return numpy;
    }

    /** The narrowest width that holds every id of a {@code vocabSize} vocabulary. */
    public static Width forVocabSize(int vocabSize) {
      return vocabSize <= 65536 ? UINT16 : INT32;
    }
  }

  private static final int CHUNK_SHIFT = 30;
  private static final long CHUNK_BYTES = 1L << CHUNK_SHIFT;

  private final Path path;
  private final Width width;
  private final long size;
  private final ByteBuffer[] chunks;

  private TokenFile(Path path, Width width, long size, ByteBuffer[] chunks) {
    this.path = path;
    this.width = width;
    this.size = size;
    this.chunks = chunks;
  }

  /** Maps {@code path} read-only; its length must be a multiple of the width. */
  public static TokenFile open(Path path, Width width) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long bytes = ch.size();
      if (bytes % width.bytes() != 0) {
        throw new IOException(
            "token file "
                + path
                + " has "
                + bytes
                + " bytes, not a multiple of "
                + width.bytes()
                + " ("
                + width
                + ")");
      }
      int n = (int) ((bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
      ByteBuffer[] chunks = new ByteBuffer[n];
      for (int i = 0; i < n; i++) {
        long start = i * CHUNK_BYTES;
        long len = Math.min(CHUNK_BYTES, bytes - start);
        chunks[i] =
            ch.map(FileChannel.MapMode.READ_ONLY, start, len).order(ByteOrder.LITTLE_ENDIAN);
      }
      return new TokenFile(path, width, bytes / width.bytes(), chunks);
    }
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** The width of one id. */
  public Width width() {
    return width;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int get(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          "token " + index + " outside [0, " + size + ") of " + path);
    }
    long byteOffset = index * width.bytes();
    ByteBuffer chunk = chunks[(int) (byteOffset >>> CHUNK_SHIFT)];
    int offset = (int) (byteOffset & (CHUNK_BYTES - 1));
    return width == Width.UINT16
        ? Short.toUnsignedInt(chunk.getShort(offset))
        : chunk.getInt(offset);
  }

  @Override
  public String toString() {
    return "TokenFile[" + path + ", " + size + " x " + width + "]";
  }
}
