package io.pldr.train.observe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;

/** Reads TensorBoard event files (TFRecord framing with masked CRC32C) for tests. */
final class EventFiles {
  private EventFiles() {}

  /** The event files in {@code dir}, sorted by name. */
  static List<Path> in(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted()
          .toList();
    }
  }

  /** Every event in {@code file}; fails on a bad length or data checksum. */
  static List<Event> read(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (buf.hasRemaining()) {
      byte[] header = new byte[8];
      buf.get(header);
      long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
      int lengthCrc = buf.getInt();
      if (lengthCrc != maskedCrc(header)) {
        throw new IOException("bad length checksum at record " + events.size());
      }
      byte[] data = new byte[Math.toIntExact(length)];
      buf.get(data);
      int dataCrc = buf.getInt();
      if (dataCrc != maskedCrc(data)) {
        throw new IOException("bad data checksum at record " + events.size());
      }
      events.add(Event.parseFrom(data));
    }
    return events;
  }

  /** TFRecord's masked CRC32C: rotate right by 15 bits and add a constant. */
  static int maskedCrc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }
}
