package io.pldr.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict UTF-8: valid text reads as Java's readers read it, invalid bytes fail naming where. */
class StrictTextTest {
  @TempDir Path dir;

  private static List<String> lines(byte[] bytes) throws IOException {
    List<String> out = new ArrayList<>();
    try (StrictText.LineReader r = StrictText.lines(new ByteArrayInputStream(bytes), "mem")) {
      for (String l; (l = r.readLine()) != null; ) {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void linesEndAtNewlineCarriageReturnOrBothAsBufferedReaderHasIt() throws IOException {
    String text = "a\nb\r\nc\rd\n\n\u00e9\u4e2d\ud83d\ude00\r\n";
    assertThat(lines(text.getBytes(StandardCharsets.UTF_8)))
        .containsExactlyElementsOf(text.lines().toList())
        .containsExactly("a", "b", "c", "d", "", "\u00e9\u4e2d\ud83d\ude00");
    assertThat(lines(new byte[0])).isEmpty();
    assertThat(lines("x".getBytes(StandardCharsets.UTF_8))).containsExactly("x");
  }

  @Test
  void longLinesAcrossBufferBoundariesReadWhole() throws IOException {
    String a = "\u00e9".repeat(100_000);
    String b = "x".repeat(65_535);
    byte[] bytes = (b + "\r\n" + a + "\r" + "\n").getBytes(StandardCharsets.UTF_8);
    assertThat(lines(bytes)).containsExactly(b, a);
  }

  @Test
  void invalidByteFailsNamingTheLineAndByteOffset() {
    byte[] bytes = "ok\r\nfine\nab\u00e9c".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 2] = (byte) 0xFF; // second byte of é: line 3, byte 4 + 5 + 3
    assertThatThrownBy(() -> lines(bytes))
        .isInstanceOf(MalformedTextException.class)
        .hasMessage(
            "mem: line 3 (byte 11) is not valid UTF-8 (byte 0xC3); pldr reads text as UTF-8 only")
        .satisfies(
            e -> {
              MalformedTextException m = (MalformedTextException) e;
              assertThat(m.line()).isEqualTo(3);
              assertThat(m.byteOffset()).isEqualTo(11);
            });
    assertThatThrownBy(() -> StrictText.decode(bytes, "mem"))
        .hasMessageStartingWith("mem: line 3 (byte 11) is not valid UTF-8");
  }

  @Test
  void truncatedSequenceAtTheEndAndEncodedSurrogatesAreInvalid() {
    byte[] cut = {'a', '\n', (byte) 0xE4, (byte) 0xB8};
    assertThatThrownBy(() -> lines(cut)).hasMessageStartingWith("mem: line 2 (byte 2)");
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    assertThatThrownBy(() -> StrictText.decode(surrogate, "s"))
        .hasMessageStartingWith("s: line 1 (byte 0) is not valid UTF-8 (bytes 0xED 0xA0 0x80)");
  }

  @Test
  void filesReadWholeOrByLinesNamingTheFile() throws IOException {
    Path ok = dir.resolve("ok.txt");
    Files.writeString(ok, "\ufeffhead\ntail\n");
    assertThat(StrictText.readString(ok)).isEqualTo("\ufeffhead\ntail\n");
    assertThat(StrictText.readAllLines(ok)).containsExactly("\ufeffhead", "tail");
    Path bad = dir.resolve("bad.bin");
    Files.write(bad, new byte[] {'x', '\n', (byte) 0x80});
    assertThatThrownBy(() -> StrictText.readAllLines(bad))
        .hasMessageStartingWith(bad + ": line 2 (byte 2) is not valid UTF-8 (byte 0x80)");
    assertThatThrownBy(() -> StrictText.readString(bad))
        .hasMessageStartingWith(bad + ": line 2 (byte 2)");
  }

  @Test
  void ioErrorsSayWhatWasBeingDoneAndWhy() {
    Path p = dir.resolve("missing");
    IOException e =
        IoErrors.wrapped("read the model folder", p, new NoSuchFileException(p.toString()));
    assertThat(e).hasMessage("cannot read the model folder " + p + ": no such file or folder");
    IOException full =
        IoErrors.wrapped(
            "write the eval report",
            p,
            new java.nio.file.FileSystemException(p.toString(), null, "No space left on device"));
    assertThat(full).hasMessage("cannot write the eval report " + p + ": No space left on device");
    IOException inside =
        IoErrors.wrapped(
            "read the model folder",
            p,
            new NoSuchFileException(p.resolve("config.pbtxt").toString()));
    assertThat(inside)
        .hasMessage(
            "cannot read the model folder "
                + p
                + ": no such file or folder ("
                + p.resolve("config.pbtxt")
                + ")");
  }
}
