package io.pldr.tf.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.io.StrictText;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length, a
 * JSON header {@code {name: {dtype, shape, data_offsets}, "__metadata__": {...}}}, then the raw
 * little-endian data. No Java library fits JDK 17 (see docs/architecture.md), so this is pldr's
 * own. Reads F32, F16 and BF16 (as float32 tensors held as floats), F64, I64, I32 and BOOL (as
 * INT32 0 or 1); writes F32, F64, I64, I32 and, for tensors named so, BOOL. Tensors are mapped from
 * the file, not read whole; writes are atomic.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  /** Elements per chunk of a tensor's data on its way to the file. */
  private static final int CHUNK = 1 << 16;

  private Safetensors() {}

  /**
   * A file's tensors, in header order, its {@code __metadata__}, and each tensor's dtype as the
   * file stores it ({@code F32}, {@code BF16}, ...).
   */
  public record Contents(
      Map<String, HostTensor> tensors, Map<String, String> metadata, Map<String, String> dtypes) {}

  /** Reads every tensor of a file; errors name the file and the tensor. */
  public static Contents read(Path file) throws IOException {
    return read(file, name -> true);
  }

  /**
   * Reads the tensors of a file whose names {@code include} accepts (the others are neither read
   * nor checked); errors name the file and the tensor.
   */
  public static Contents read(Path file, Predicate<String> include) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IOException(file + ": not a safetensors file (" + size + " bytes)");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLength = len.flip().getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw new IOException(
            file
                + ": not a safetensors file (header length "
                + headerLength
                + " for a file of "
                + size
                + " bytes)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(ch, header, 8);
      JsonNode root;
      try {
        root = JSON.readTree(StrictText.decode(header.array(), file + " (safetensors header)"));
      } catch (JsonProcessingException e) {
        throw new IOException(
            file + ": the safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
      }
      long dataStart = 8 + headerLength;
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, String> dtypes = new LinkedHashMap<>();
      if (root == null || !root.isObject()) {
        throw new IOException(file + ": the safetensors header is not a JSON object");
      }
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        if (e.getKey().equals("__metadata__")) {
          e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        if (!include.test(e.getKey())) {
          continue;
        }
        tensors.put(e.getKey(), tensor(file, ch, dataStart, size, e.getKey(), e.getValue()));
        dtypes.put(e.getKey(), e.getValue().path("dtype").asText());
      }
      return new Contents(tensors, metadata, dtypes);
    }
  }

  private static HostTensor tensor(
      Path file, FileChannel ch, long dataStart, long fileSize, String name, JsonNode info)
      throws IOException {
    String where = file + ": tensor '" + name + "'";
    String dtype = info.path("dtype").asText();
    JsonNode shapeNode = info.path("shape");
    JsonNode offsets = info.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new IOException(where + ": header entry needs 'shape' and two 'data_offsets'");
    }
    long[] dims = new long[shapeNode.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shapeNode.get(i).asLong();
    }
    Shape shape = Shape.of(dims);
    int width =
        switch (dtype) {
          case "F64", "I64" -> 8;
          case "F32", "I32" -> 4;
          case "F16", "BF16" -> 2;
          case "BOOL" -> 1;
          default ->
              throw new IOException(
                  where
                      + ": unsupported dtype '"
                      + dtype
                      + "' (expected F32, F64, F16, BF16, I64, I32 or BOOL)");
        };
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    long count = shape.size();
    if (end - begin != count * width || begin < 0 || dataStart + end > fileSize) {
      throw new IOException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] do not hold "
              + count
              + " elements of "
              + dtype
              + " "
              + shape
              + " within the file");
    }
    int n = Math.toIntExact(count);
    MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
    buf.order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "F32", "F16", "BF16" -> {
        // float32 values stay floats: half the memory of doubles, and a bulk copy for F32
        float[] f = new float[n];
        if (dtype.equals("F32")) {
          buf.asFloatBuffer().get(f);
        } else if (dtype.equals("F16")) {
          for (int i = 0; i < n; i++) {
            f[i] = halfToFloat(buf.getShort(2 * i));
          }
        } else {
          for (int i = 0; i < n; i++) {
            f[i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xffff) << 16);
          }
        }
        return HostTensor.wrapFloats(shape, f);
      }
      case "F64" -> {
        double[] v = new double[n];
        buf.asDoubleBuffer().get(v);
        return HostTensor.wrap(DType.FLOAT64, shape, v);
      }
      case "I64" -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = buf.getLong(8 * i);
        }
        return HostTensor.wrap(DType.INT64, shape, v);
      }
      case "BOOL" -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = buf.get(i) != 0 ? 1 : 0;
        }
        return HostTensor.wrap(DType.INT32, shape, v);
      }
      default -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = buf.getInt(4 * i);
        }
        return HostTensor.wrap(DType.INT32, shape, v);
      }
    }
  }

  /**
   * Writes tensors (in map order) and metadata (sorted by key, so that equal inputs give equal
   * bytes) to {@code file} atomically: a temporary file in the same folder, forced to disk, then
   * renamed over the target.
   */
  public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, Set.of());
  }

  /**
   * Writes as {@link #write(Path, Map, Map)} does, the tensors named in {@code bools} as BOOL (one
   * byte each, nonzero values true). Tensors are laid out in map order with no gaps, so put wider
   * element types first to keep every tensor aligned to its element size.
   */
  public static void write(
      Path file, Map<String, HostTensor> tensors, Map<String, String> metadata, Set<String> bools)
      throws IOException {
    write(file, tensors, metadata, bools, null);
  }

  /**
   * Writes as {@link #write(Path, Map, Map)} does and returns the SHA-256 (hex) of the file's
   * bytes, computed on their way out instead of by reading the file again.
   */
  public static String writeWithSha256(
      Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    write(file, tensors, metadata, Set.of(), sha);
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * The SHA-256 (hex) of the data section {@link #write} gives {@code tensors} (their values in map
   * order, as the file stores them), computed without writing anything: what {@link
   * #dataSha256(Path)} reads back from that file.
   */
  public static String dataSha256(Map<String, HostTensor> tensors) throws IOException {
    MessageDigest sha = sha256();
    Chunks chunks = new Chunks();
    for (HostTensor t : tensors.values()) {
      writeData(null, t, false, chunks, sha);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * The SHA-256 (hex) of a file's data section: every byte after the header, the tensors' values.
   */
  public static String dataSha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (size < 8) {
        throw new IOException(file + ": not a safetensors file (" + size + " bytes)");
      }
      readFully(ch, len, 0);
      long headerLength = len.flip().getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw new IOException(
            file + ": not a safetensors file (header length " + headerLength + ")");
      }
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      long pos = 8 + headerLength;
      while (pos < size) {
        buf.clear();
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        pos += n;
        sha.update(buf.flip());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void write(
      Path file,
      Map<String, HostTensor> tensors,
      Map<String, String> metadata,
      Set<String> bools,
      MessageDigest digest)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      new java.util.TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    List<HostTensor> order = new ArrayList<>();
    List<Boolean> asBool = new ArrayList<>();
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      ObjectNode n = header.putObject(e.getKey());
      boolean bool = bools.contains(e.getKey());
      n.put("dtype", bool ? "BOOL" : code(t.dtype()));
      var shape = n.putArray("shape");
      for (long d : t.shape().dims()) {
        shape.add(d);
      }
      long bytes = (long) t.size() * (bool ? 1 : t.dtype().byteSize());
      n.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
      order.add(t);
      asBool.add(bool);
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    AtomicFiles.write(
        file,
        out -> {
          ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
          head.putLong(padded).put(json);
          while (head.hasRemaining()) {
            head.put((byte) ' ');
          }
          writeFully(out, head.flip(), digest);
          Chunks chunks = new Chunks();
          for (int i = 0; i < order.size(); i++) {
            writeData(out, order.get(i), asBool.get(i), chunks, digest);
          }
        });
  }

  /**
   * One file's write buffers, reused from tensor to tensor: a direct buffer (a channel copies a
   * heap buffer into a temporary direct one first) and the arrays floating-point values are copied
   * out through in bulk.
   */
  private static final class Chunks {
    final ByteBuffer bytes =
        ByteBuffer.allocateDirect(CHUNK * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    float[] floats;
    double[] doubles;
  }

  private static void writeData(
      FileChannel out, HostTensor t, boolean bool, Chunks chunks, MessageDigest digest)
      throws IOException {
    ByteBuffer buf = chunks.bytes;
    for (int start = 0; start < t.size(); start += CHUNK) {
      buf.clear();
      int end = Math.min(t.size(), start + CHUNK);
      int n = end - start;
      if (bool) {
        for (int i = start; i < end; i++) {
          buf.put((byte) (t.get(i) != 0 ? 1 : 0));
        }
      } else {
        switch (t.dtype()) {
          case FLOAT32 -> {
            // in bulk: the float's bits as they are (through a double they would be the same)
            if (chunks.floats == null) {
              chunks.floats = new float[CHUNK];
            }
            t.copyTo(start, chunks.floats, 0, n);
            buf.asFloatBuffer().put(chunks.floats, 0, n);
            buf.position(n * Float.BYTES);
          }
          case FLOAT64 -> {
            if (chunks.doubles == null) {
              chunks.doubles = new double[CHUNK];
            }
            t.copyTo(start, chunks.doubles, 0, n);
            buf.asDoubleBuffer().put(chunks.doubles, 0, n);
            buf.position(n * Double.BYTES);
          }
          case INT64 -> {
            for (int i = start; i < end; i++) {
              buf.putLong((long) t.get(i));
            }
          }
          case INT32 -> {
            for (int i = start; i < end; i++) {
              buf.putInt((int) t.get(i));
            }
          }
          default -> throw new IllegalStateException();
        }
      }
      writeFully(out, buf.flip(), digest);
    }
  }

  /**
   * Writes all of {@code buf}, its bytes added to {@code digest} first (if any); with no {@code
   * out}, only to the digest.
   */
  private static void writeFully(FileChannel out, ByteBuffer buf, MessageDigest digest)
      throws IOException {
    if (digest != null) {
      digest.update(buf.duplicate());
    }
    while (out != null && buf.hasRemaining()) {
      out.write(buf);
    }
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  private static String code(DType t) {
    return switch (t) {
      case FLOAT32 -> "F32";
      case FLOAT64 -> "F64";
      case INT64 -> "I64";
      case INT32 -> "I32";
    };
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }
}
