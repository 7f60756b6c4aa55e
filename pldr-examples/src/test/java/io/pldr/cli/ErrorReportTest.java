package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The tool's top level: whatever a command throws prints one line on standard error and exits 1;
 * --debug or PLDR_DEBUG=1 adds the stack trace; usage errors keep status 2.
 */
class ErrorReportTest {
  /** A command that throws what its argument names. */
  @Command(name = "boom", description = "Fails.")
  static final class Boom implements Callable<Integer> {
    @Parameters(index = "0")
    String what;

    @Override
    public Integer call() throws Exception {
      switch (what) {
        case "bug" -> throw new IllegalStateException("an invariant broke\non two lines");
        case "missing" -> throw new NoSuchFileException("runs/x/state.textproto");
        case "reason" -> throw new NoSuchFileException("runs/x", null, "no such checkpoint");
        case "denied" ->
            throw new UncheckedIOException(new AccessDeniedException("runs/x/model.safetensors"));
        case "config" -> throw new ConfigException("x.textproto", "batch_size", "too large");
        case "oom" -> throw new OutOfMemoryError("Java heap space");
        case "npe" -> throw new NullPointerException();
        default -> {
          return 0;
        }
      }
    }
  }

  record Run(int status, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cli = PldrCli.commandLine(env);
    cli.addSubcommand(new Boom());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return new Run(cli.execute(args), err.toString());
  }

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static void assertOneLine(Run r, String line) {
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(line + System.lineSeparator());
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void anUnexpectedExceptionIsOneLineNamingItsType() {
    assertOneLine(
        run("boom", "bug"),
        "pldr boom: error: internal error, java.lang.IllegalStateException: an invariant broke on"
            + " two lines (--debug or PLDR_DEBUG=1 prints where)");
    assertOneLine(
        run("boom", "npe"),
        "pldr boom: error: internal error, java.lang.NullPointerException (--debug or"
            + " PLDR_DEBUG=1 prints where)");
  }

  @Test
  void aFileProblemSaysWhatAndWhere() {
    assertOneLine(
        run("boom", "missing"), "pldr boom: error: no such file or folder: runs/x/state.textproto");
    assertOneLine(
        run("boom", "denied"), "pldr boom: error: permission denied: runs/x/model.safetensors");
    // a reason of pldr's own is kept as it is
    assertOneLine(run("boom", "reason"), "pldr boom: error: runs/x: no such checkpoint");
  }

  @Test
  void anExpectedFailureIsItsMessage() {
    assertOneLine(
        run("boom", "config"), "pldr boom: error: x.textproto: field 'batch_size': too large");
  }

  @Test
  void runningOutOfMemoryIsOneLineSayingWhatToDo() {
    Run r = run("boom", "oom");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("pldr boom: error: out of memory (Java heap space): choose a smaller model,")
        .contains("PLDR_JAVA_OPTS=-Xmx8g ./pldr")
        .doesNotContain("\tat ");
  }

  @Test
  void debugBeforeOrAfterTheCommandOrInTheEnvironmentPrintsTheStackTrace() {
    for (Run r :
        new Run[] {
          run("--debug", "boom", "bug"),
          run("boom", "--debug", "bug"),
          run(Map.of("PLDR_DEBUG", "1"), "boom", "bug"),
          run(Map.of("PLDR_DEBUG", "true"), "boom", "oom")
        }) {
      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("pldr boom: error: ");
      assertThat(r.err()).contains("\tat io.pldr.cli.ErrorReportTest$Boom.call(");
    }
    assertThat(run(Map.of("PLDR_DEBUG", "0"), "boom", "bug").err()).doesNotContain("\tat ");
  }

  @Test
  void usageErrorsKeepStatus2AndSuccessIs0() {
    assertThat(run("boom").status()).isEqualTo(2);
    assertThat(run("boom", "fine").status()).isZero();
  }

  @Test
  void aRealCommandsMissingCheckpointIsOneLine() {
    CliRun r = CliRun.of("generate", "--checkpoint", "/no/such/run", "--prompt", "Call me");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).startsWith("pldr generate: error: ").contains("/no/such/run");
  }
}
