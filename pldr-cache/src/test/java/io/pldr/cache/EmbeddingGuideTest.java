package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/embedding.md quotes docs/embedding/Generate.java as it is. */
class EmbeddingGuideTest {
  @Test
  void theGuideQuotesTheExampleProgramWhole() throws IOException {
    String guide = Files.readString(Path.of("../docs/embedding.md"));
    String program = Files.readString(Path.of("../docs/embedding/Generate.java"));
    assertThat(guide).contains("```java\n" + program + "```");
  }
}
