package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

class TensorBoardWriterTest {

  /** A scalar as read back: tag, step, value. */
  record Scalar(String tag, long step, double value) {}

  static List<Scalar> scalars(List<Event> events) {
    List<Scalar> out = new ArrayList<>();
    for (Event e : events) {
      if (!e.hasSummary()) {
        continue;
      }
      for (Summary.Value v : e.getSummary().getValueList()) {
        double value =
            switch (v.getValueCase()) {
              case SIMPLE_VALUE -> v.getSimpleValue();
              case TENSOR ->
                  v.getTensor().getFloatValCount() > 0
                      ? v.getTensor().getFloatVal(0)
                      : v.getTensor().getDoubleVal(0);
              default -> throw new AssertionError("unexpected summary value " + v);
            };
        out.add(new Scalar(v.getTag(), e.getStep(), value));
      }
    }
    return out;
  }

  @Test
  void writesScalarsThatReadBackWithTagsStepsAndValues(@TempDir Path dir) throws Exception {
    Path logDir = dir.resolve("tb");
    try (TensorBoardWriter tb = new TensorBoardWriter(logDir, 100, Duration.ofMinutes(5))) {
      tb.scalar("train/loss", 1, 10.25);
      tb.scalar("train/loss", 2, 9.5);
      Map<String, Double> step3 = new LinkedHashMap<>();
      step3.put("train/loss", 8.125);
      step3.put("train/lr", 3e-4);
      step3.put("validation/loss", 8.75);
      tb.scalars(3, step3);
      tb.scalar("train/loss", 4, Double.NaN);
      tb.flush();
      List<Path> files = EventFiles.in(logDir);
      assertThat(files).hasSize(1);
      assertThat(files.get(0).getFileName().toString()).endsWith(".v2");
      // flush() put everything in the file while the writer is still open.
      assertThat(scalars(EventFiles.read(files.get(0)))).hasSize(6);
    }
    List<Event> events = EventFiles.read(EventFiles.in(logDir).get(0));
    assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
    List<Scalar> scalars = scalars(events);
    assertThat(scalars)
        .extracting(Scalar::tag)
        .containsExactly(
            "train/loss", "train/loss", "train/loss", "train/lr", "validation/loss", "train/loss");
    assertThat(scalars).extracting(Scalar::step).containsExactly(1L, 2L, 3L, 3L, 3L, 4L);
    assertThat(scalars.subList(0, 5))
        .extracting(Scalar::value)
        .containsExactly(10.25, 9.5, 8.125, (double) (float) 3e-4, 8.75);
    assertThat(scalars.get(5).value()).isNaN();
    assertThat(events).allSatisfy(e -> assertThat(e.getWallTime()).isPositive());
  }

  @Test
  void sessionStartIsASessionLogEventAtItsStep(@TempDir Path dir) throws Exception {
    try (TensorBoardWriter tb = TensorBoardWriter.open(dir)) {
      tb.sessionStart(501);
      tb.scalar("train/loss", 501, 2.0);
    }
    List<Event> events = EventFiles.read(EventFiles.in(dir).get(0));
    assertThat(events)
        .filteredOn(Event::hasSessionLog)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getStep()).isEqualTo(501);
              assertThat(e.getSessionLog().getStatus()).isEqualTo(SessionLog.SessionStatus.START);
            });
    assertThat(scalars(events)).containsExactly(new Scalar("train/loss", 501, 2.0));
  }

  @Test
  void twoWritersKeepTheirOwnFiles(@TempDir Path dir) throws Exception {
    try (TensorBoardWriter a = TensorBoardWriter.open(dir.resolve("a"));
        TensorBoardWriter b = TensorBoardWriter.open(dir.resolve("b"))) {
      a.scalar("x", 1, 1.0);
      b.scalar("y", 1, 2.0);
      a.scalar("x", 2, 3.0);
    }
    assertThat(scalars(EventFiles.read(EventFiles.in(dir.resolve("a")).get(0))))
        .containsExactly(new Scalar("x", 1, 1.0), new Scalar("x", 2, 3.0));
    assertThat(scalars(EventFiles.read(EventFiles.in(dir.resolve("b")).get(0))))
        .containsExactly(new Scalar("y", 1, 2.0));
  }

  @Test
  void closedWriterRejectsWritesAndClosesOnce(@TempDir Path dir) {
    TensorBoardWriter tb = TensorBoardWriter.open(dir);
    tb.close();
    tb.close();
    assertThatThrownBy(() -> tb.scalar("x", 1, 1)).isInstanceOf(IllegalStateException.class);
  }
}
