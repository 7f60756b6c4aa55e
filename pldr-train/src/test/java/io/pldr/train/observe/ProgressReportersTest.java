package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressReportersTest {

  @Test
  void barOnlyOnAConsoleOutsideCi() {
    assertThat(ProgressReporters.interactive(true, Map.of("TERM", "xterm"))).isTrue();
    assertThat(ProgressReporters.interactive(true, Map.of())).isTrue();
    assertThat(ProgressReporters.interactive(false, Map.of("TERM", "xterm"))).isFalse();
    assertThat(ProgressReporters.interactive(true, Map.of("CI", "true"))).isFalse();
    assertThat(ProgressReporters.interactive(true, Map.of("CI", ""))).isFalse();
    assertThat(ProgressReporters.interactive(true, Map.of("TERM", "dumb"))).isFalse();
  }

  @Test
  void surefireHasNoConsoleSoTheFactoryLogs() {
    // Forked test JVMs have no console attached.
    try (ProgressReporter reporter = ProgressReporters.forEnvironment("train", 10)) {
      assertThat(reporter).isInstanceOf(LogProgressReporter.class);
    }
  }

  @Test
  void terminalBarShowsRatioMetricsAndMessagesOnTheirOwnLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (TerminalProgressReporter bar = new TerminalProgressReporter("train", out, 150, 20)) {
      bar.start(100, 0);
      for (int step = 1; step <= 50; step++) {
        bar.step(StepStats.of(step, 3.21042, 8e-4, 5230));
      }
      bar.message("validation loss 3.0000");
      bar.step(StepStats.of(60, 2.5, 7e-4, 5300));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("train")
        .contains("60/100")
        .contains("loss 2.5000 lr 7.00e-04 tok/s 5300")
        .contains("\rvalidation loss 3.0000 ");
    // The message ends its own line and the bar is drawn again after it.
    String afterMessage = text.substring(text.indexOf("validation loss 3.0000"));
    assertThat(afterMessage).contains(System.lineSeparator() + "\r");
  }
}
