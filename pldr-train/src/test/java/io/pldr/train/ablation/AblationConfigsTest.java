package io.pldr.train.ablation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.TrainConfig;
import io.pldr.train.loop.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an ablation file: every variant's configuration, and errors naming file and field. */
class AblationConfigsTest {
  @TempDir Path dir;

  /** An ablation file with {@code body} after its header, the base config beside it. */
  private Path ablation(String body) throws Exception {
    Files.createDirectories(dir.resolve("configs"));
    Files.writeString(
        dir.resolve("configs/base.textproto"),
        TinyRun.config(dir.resolve("corpus.txt"), dir.resolve("base-run"), "steps: 6"));
    Path file = dir.resolve("configs/abl.textproto");
    Files.writeString(
        file,
        """
        base_config: "base.textproto"
        out_dir: "%s"
        overrides: "steps=8"
        %s
        """
            .formatted(dir.resolve("out"), body));
    return file;
  }

  private static final String VARIANTS =
      """
      variants { name: "learned" }
      variants {
        name: "identity-seed9"
        operator { name: "identity" }
        seed: 9
        overrides: "optimizer.learning_rate=2e-2"
      }
      variants {
        name: "transferred"
        operator { name: "external" }
        g_cache_from: "learned"
        g_cache_prompt: "the whale"
      }
      """;

  @Test
  void everyVariantIsTheBaseWithItsChangesAndTheSameDataOrder() throws Exception {
    Ablation a = AblationConfigs.read(ablation(VARIANTS));
    assertThat(a.names()).containsExactly("learned", "identity-seed9", "transferred");
    assertThat(a.outDir()).isEqualTo(dir.resolve("out"));

    TrainConfig learned = a.variant("learned").orElseThrow().config();
    TrainConfig identity = a.variant("identity-seed9").orElseThrow().config();
    PlannedVariant transferred = a.variant("transferred").orElseThrow();
    assertThat(learned.getModel().getTensorOperator().getName()).isEqualTo("learned");
    assertThat(learned.getOutDir()).isEqualTo(dir.resolve("out/learned").toString());
    assertThat(identity.getModel().getTensorOperator().getName()).isEqualTo("identity");
    assertThat(identity.getOptimizer().getLearningRate()).isEqualTo(2e-2);
    assertThat(learned.getOptimizer().getLearningRate()).isEqualTo(1e-2);
    // The variant's seed moves the initial weights only: the data order stays the base's (5).
    assertThat(identity.getSeed()).isEqualTo(9);
    assertThat(learned.getSeed()).isEqualTo(5);
    assertThat(a.variants())
        .allSatisfy(
            v -> {
              assertThat(v.config().getDataSeed()).isEqualTo(5);
              assertThat(v.config().getSteps()).isEqualTo(8);
              assertThat(v.config().getSchedule().getTotalSteps()).isEqualTo(8); // defaults follow
            });
    // A transferred variant reads the G-cache written into its own folder.
    Path gCache = dir.resolve("out/transferred/gcache.safetensors");
    assertThat(transferred.gCache())
        .hasValueSatisfying(
            g -> {
              assertThat(g.variant()).isEqualTo("learned");
              assertThat(g.prompt()).isEqualTo("the whale");
              assertThat(g.file()).isEqualTo(gCache);
            });
    assertThat(transferred.config().getModel().getTensorOperator().getOptionsMap())
        .containsExactlyEntriesOf(Map.of("file", gCache.toString()));
    assertThat(transferred.operator()).isEqualTo("external (G-cache of learned)");
  }

  @Test
  void commandLineChangesComeAfterTheFile() throws Exception {
    Ablation a =
        AblationConfigs.read(
            ablation(VARIANTS),
            b -> b.setOutDir("elsewhere").addOverrides("steps=3").addOverrides("seed=4"));
    assertThat(a.outDir()).isEqualTo(Path.of("elsewhere"));
    assertThat(a.variant("learned").orElseThrow().config().getSteps()).isEqualTo(3);
    assertThat(a.variants()).allSatisfy(v -> assertThat(v.config().getDataSeed()).isEqualTo(4));
  }

  @Test
  void operatorOptionsAppearInTheTable() {
    var op =
        io.pldr.api.config.TensorOperatorSpec.newBuilder()
            .setName("random")
            .putOptions("seed", "3")
            .putOptions("stddev", "0.5")
            .build();
    assertThat(VariantConfigs.label(op, java.util.Optional.empty()))
        .isEqualTo("random (seed=3, stddev=0.5)");
  }

  private void fails(String body, String... expected) throws Exception {
    Path file = ablation(body);
    assertThatThrownBy(() -> AblationConfigs.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .satisfies(
            e -> {
              for (String s : expected) {
                assertThat(e.getMessage()).contains(s);
              }
            });
  }

  @Test
  void anUnknownVariantFieldIsNamed() throws Exception {
    fails("variants { name: \"a\" colour: \"red\" }", "not a valid AblationConfig", "colour");
  }

  @Test
  void aRepeatedOrEmptyOrBadNameIsRefused() throws Exception {
    fails(
        "variants { name: \"a\" } variants { name: \"a\" }",
        "field 'variants[1].name'",
        "'a' names two variants");
    fails("variants { name: \"a\" } variants { }", "field 'variants[1].name'", "missing");
    fails("variants { name: \"../up\" }", "field 'variants[0].name'", "not a folder name");
  }

  @Test
  void aMissingBaseConfigIsNamed() throws Exception {
    Path file = ablation("variants { name: \"a\" }");
    Files.writeString(file, Files.readString(file).replace("base.textproto", "nope.textproto"));
    assertThatThrownBy(() -> AblationConfigs.read(file))
        .hasMessageContaining(file + ": field 'base_config': cannot read")
        .hasMessageContaining("nope.textproto");
  }

  @Test
  void negativeValuesInOverridesAreRefusedNamingTheVariantAndField() throws Exception {
    fails(
        "variants { name: \"a\" overrides: \"log_every=-3\" }",
        "variant 'a'",
        "field 'overrides'",
        "log_every must be a non-negative integer, found '-3'");
    fails(
        "variants { name: \"a\" overrides: \"optimizer.weight_decay=-0.1\" }",
        "variant 'a'",
        "field 'optimizer.weight_decay': must be zero or positive, found -0.1");
  }

  @Test
  void anUnknownOverrideFieldIsNamed() throws Exception {
    fails(
        "variants { name: \"a\" overrides: \"model.num_layer=2\" }",
        "variant 'a'",
        "unknown field 'num_layer' of ModelConfig");
    fails(
        "overrides: \"stepz=2\" variants { name: \"a\" }",
        "field 'overrides[1]'",
        "unknown field 'stepz' of TrainConfig");
  }

  @Test
  void aVariantCannotChangeTheDataOrTheBudget() throws Exception {
    fails(
        "variants { name: \"a\" overrides: \"steps=9\" }",
        "variant 'a'",
        "field 'overrides'",
        "set steps in the ablation's overrides");
    fails(
        "variants { name: \"a\" overrides: \"data.validation_fraction=0.2\" }",
        "set data in the ablation's overrides");
    fails("variants { name: \"a\" overrides: \"data_seed=3\" }", "set data_seed");
  }

  @Test
  void aTransferredGCacheNeedsAnEarlierVariantAndAPrompt() throws Exception {
    fails(
        """
        variants { name: "t" operator { name: "external" } g_cache_from: "learned"
                   g_cache_prompt: "x" }
        variants { name: "learned" }
        """,
        "variant 't'",
        "field 'g_cache_from'",
        "'learned' is not an earlier variant");
    fails(
        """
        variants { name: "learned" }
        variants { name: "t" operator { name: "external" } g_cache_from: "learned" }
        """,
        "variant 't'",
        "field 'g_cache_prompt': missing");
    fails(
        """
        variants { name: "learned" }
        variants { name: "t" operator { name: "external" } g_cache_from: "learned"
                   g_cache_prompt: "x" overrides: "model.num_layers=2" }
        """,
        "variant 't'",
        "field 'g_cache_from'",
        "a G-cache fits only its model's shape");
  }

  @Test
  void aVariantIsValidatedAsATrainingConfiguration() throws Exception {
    fails(
        "variants { name: \"a\" overrides: \"model.num_heads=3\" }",
        "variant 'a'",
        "field 'model.num_heads'");
  }
}
