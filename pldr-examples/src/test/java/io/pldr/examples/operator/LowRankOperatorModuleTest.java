package io.pldr.examples.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.PldrInjectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The example plugs in without a change to the framework: its module, named in a configuration or
 * found by ServiceLoader, installs {@code low_rank}; its sources name only pldr-api and Guice.
 */
class LowRankOperatorModuleTest {
  private static final ModelConfig CONFIG =
      LowRankOperatorTest.config("2").toBuilder()
          .addPluginModules(LowRankOperatorModule.class.getName())
          .build();

  @Test
  void theModuleNamedInPluginModulesInstallsTheOperator() {
    List<Module> modules = new ArrayList<>(PldrInjectors.builtIn());
    modules.addAll(PldrInjectors.pluginModules(CONFIG));
    Components c = Guice.createInjector(modules).getInstance(Components.class);
    assertThat(c.operators())
        .containsOnlyKeys("external", "identity", "learned", "low_rank", "random", "transferred");
    assertThat(c.spec(CONFIG).operator()).isInstanceOf(LowRankOperatorProvider.class);
  }

  @Test
  void serviceLoaderFindsTheModuleOnTheClassPath() {
    assertThat(PldrInjectors.standard()).hasAtLeastOneElementOfType(LowRankOperatorModule.class);
  }

  @Test
  void installedBothWaysTheOperatorIsBoundOnce() {
    Injector injector = PldrInjectors.forConfig(CONFIG);
    assertThat(injector.getInstance(Components.class).operators())
        .containsKey(LowRankOperatorModule.NAME);
    assertThat(injector.getInstance(ModelSpec.class).operator())
        .isInstanceOf(LowRankOperatorProvider.class);
  }

  @Test
  void theExampleImportsOnlyPldrApiGuiceAndTheJdk() throws IOException {
    Path sources = Path.of("src/main/java/io/pldr/examples/operator");
    try (Stream<Path> files = Files.list(sources)) {
      List<String> imports =
          files
              .flatMap(LowRankOperatorModuleTest::lines)
              .filter(l -> l.startsWith("import "))
              .toList();
      assertThat(imports)
          .isNotEmpty()
          .allSatisfy(
              i ->
                  assertThat(i)
                      .matches(
                          "import (io\\.pldr\\.api|com\\.google\\.inject|jakarta\\.inject|java)\\..*"));
    }
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
