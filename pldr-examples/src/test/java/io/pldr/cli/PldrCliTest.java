package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The tool's own options and usage errors: -V, misspelt options. */
class PldrCliTest {
  private static final String VERSION_LINE =
      "pldr \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,}( with uncommitted changes)?"
          + "|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)";

  @Test
  void aMisspeltOptionIsReportedInsteadOfTheRequiredOneItLeftOut() {
    CliRun r = CliRun.of("train", "--confg", "x");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("Unknown options: '--confg', 'x'")
        .contains("Possible solutions: --config")
        .doesNotContain("Missing required option");
    assertThat(r.out()).isEmpty();

    CliRun alone = CliRun.of("train", "--resum", "--config", "x.textproto");
    assertThat(alone.status()).isEqualTo(2);
    assertThat(alone.err())
        .startsWith("Unknown option: '--resum'")
        .contains("Possible solutions: --resume");
  }

  @Test
  void aMisspeltGenerateOptionIsReportedInsteadOfTheRequiredOneItLeftOut() {
    CliRun r = CliRun.of("generate", "--checkpoint", "runs/x", "--promt", "Call me");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("Unknown options: '--promt', 'Call me'")
        .contains("Possible solutions: --prompt")
        .doesNotContain("Missing required option");

    CliRun both = CliRun.of("generate", "--chekpoint", "runs/x", "--prompt", "Call me");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("'--chekpoint'").doesNotContain("Missing required option");
  }

  @Test
  void aMissingRequiredOptionAloneIsStillReportedAsMissing() {
    CliRun r = CliRun.of("train");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("Missing required option: '--config=FILE'");
  }

  @Test
  void versionNamesTheCommitAndTimeOfTheBuild() {
    CliRun r = CliRun.of("-V");
    assertThat(r.status()).isZero();
    assertThat(r.out().strip()).matches(VERSION_LINE);
    assertThat(CliRun.of("--version").out()).isEqualTo(r.out());
    // Every command answers -V alike.
    assertThat(CliRun.of("train", "-V").out()).isEqualTo(r.out());
    assertThat(CliRun.of("bench", "decode", "--version").out()).isEqualTo(r.out());
    // Built from a git checkout (as here and in CI): the commit is known.
    if (Files.exists(Path.of("..", ".git"))) {
      assertThat(r.out()).containsPattern("\\(commit [0-9a-f]{7}");
    }
  }

  @Test
  void versionLineFromTheBuildsProperties() {
    Properties p = new Properties();
    p.setProperty("version", "0.1.0");
    p.setProperty("commit", "abc1234");
    p.setProperty("dirty", "false");
    p.setProperty("built", "2026-11-29T14:03:11Z");
    assertThat(PldrCli.Version.describe(p))
        .isEqualTo("pldr 0.1.0 (commit abc1234, built 2026-11-29T14:03:11Z)");
    p.setProperty("dirty", "true");
    assertThat(PldrCli.Version.describe(p))
        .isEqualTo(
            "pldr 0.1.0 (commit abc1234 with uncommitted changes, built 2026-11-29T14:03:11Z)");
    // Built without git: the placeholders stay unfilled.
    p.setProperty("commit", "${git.commit.id.abbrev}");
    p.setProperty("dirty", "${git.dirty}");
    assertThat(PldrCli.Version.describe(p))
        .isEqualTo("pldr 0.1.0 (commit unknown, built 2026-11-29T14:03:11Z)");
    assertThat(PldrCli.Version.describe(new Properties()))
        .isEqualTo("pldr (development build) (commit unknown)");
  }
}
