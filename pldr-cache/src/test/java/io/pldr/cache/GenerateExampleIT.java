package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.cache.generate.SamplingConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/embedding/Generate.java runs as its guide says, {@code java -cp CLASSPATH
 * docs/embedding/Generate.java CHECKPOINT_DIR PROMPT}, on pldr-cache's jar and runtime class path
 * alone, and prints the greedy continuation the model gives in this JVM.
 */
class GenerateExampleIT {
  private static final Path EXAMPLE = Path.of("../docs/embedding/Generate.java");
  private static final String PROMPT = "Call me Ishmael.";

  @TempDir Path dir;

  @Test
  void theExampleProgramPrintsTheGreedyContinuation() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), 3);
    String expected;
    try (PretrainedModel model = PretrainedModel.load(run)) {
      expected =
          PROMPT
              + model
                  .generator()
                  .generate(PROMPT, SamplingConfig.greedy(20), CacheMode.KV_G, p -> {})
                  .text();
    }
    String classpath =
        System.getProperty("pldr.cache.jar")
            + File.pathSeparator
            + Files.readString(Path.of(System.getProperty("pldr.cache.classpath"))).strip();
    assertThat(classpath).doesNotContain("pldr-train", "pldr-eval", "xchart", "progressbar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = dir.resolve("out.txt");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(), "-cp", classpath, EXAMPLE.toString(), run.toString(), PROMPT))
            .redirectErrorStream(false)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the example finished").isTrue();
    assertThat(p.exitValue()).isZero();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(lines.size() - 1)).isEqualTo(expected);
  }
}
