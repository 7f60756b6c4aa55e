package io.pldr.examples.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/extending.md quotes the example's files as they are. */
class ExtendingGuideTest {
  private static final Path GUIDE = Path.of("../docs/extending.md");
  private static final Pattern CODE =
      Pattern.compile("```(java|xml|textproto)\\n(.*?)```", Pattern.DOTALL);

  /** Where the quoted code lives: this module, and the backend's built-in attention module. */
  private static final List<Path> SOURCES =
      List.of(
          Path.of("src"),
          Path.of("configs"),
          Path.of("pom.xml"),
          Path.of("../pldr-tf-backend/src/main/java/io/pldr/tf/inject"));

  @Test
  void everyCodeBlockIsCopiedFromASourceFile() throws IOException {
    List<String> files = new ArrayList<>();
    for (Path root : SOURCES) {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.filter(Files::isRegularFile).forEach(f -> files.add(read(f)));
      }
    }
    Matcher m = CODE.matcher(Files.readString(GUIDE));
    int blocks = 0;
    while (m.find()) {
      String block = m.group(2);
      assertThat(files)
          .as("a file containing the %s block%n%s", m.group(1), block)
          .anySatisfy(f -> assertThat(f).contains(block));
      blocks++;
    }
    assertThat(blocks).isGreaterThanOrEqualTo(8);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
