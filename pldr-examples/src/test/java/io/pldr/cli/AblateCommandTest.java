package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.train.ablation.Ablation;
import io.pldr.train.ablation.AblationConfigs;
import io.pldr.train.ablation.PlannedVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pldr ablate} end to end on a tiny model, its example file, and its errors. */
class AblateCommandTest {
  private static final Path EXAMPLE = Path.of("configs/ablation-moby-dick.textproto");

  @TempDir Path dir;

  /** A tiny base configuration and an ablation file with {@code variants} beside it. */
  private Path ablation(String variants) throws Exception {
    Path corpus =
        Files.writeString(
            dir.resolve("corpus.txt"),
            "the whale follows the ship and the sea is calm. "
                .repeat(10)
                .concat("\n\n")
                .repeat(40));
    Files.writeString(
        dir.resolve("base.textproto"),
        """
        model {
          num_layers: 1  d_model: 16  num_heads: 2  dff: 32  vocab_size: 280  max_seq_len: 32
          a_dff: 8  num_reslayer_a: 1  num_dense_a: 1
        }
        data { train_files: "%s" }
        optimizer { learning_rate: 1e-2  clip_value: 1.0 }
        batch_size: 4  seq_len: 16  steps: 100  eval_every: 2  eval_batches: 2  log_every: 1
        """
            .formatted(corpus));
    Path file = dir.resolve("ablation.textproto");
    Files.writeString(
        file,
        "base_config: \"base.textproto\"\nout_dir: \"" + dir.resolve("out") + "\"\n" + variants);
    return file;
  }

  private CliRun ablate(Path file, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "ablate",
                "--config",
                file.toString(),
                "--cache-dir",
                dir.resolve("cache").toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void comparesOperatorsIncludingAPlugInAndPrintsTheTable() throws Exception {
    Path file =
        ablation(
            """
        variants { name: "learned" }
        variants { name: "identity" operator { name: "identity" } }
        variants { name: "low_rank" operator { name: "low_rank" options { key: "rank" value: "2" } } }
        """);
    CliRun r = ablate(file, "--steps", "4");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("[1/3] learned (learned): training 4 steps")
        .contains("[3/3] low_rank (low_rank (rank=2)): training 4 steps")
        .contains(
            "| variant | operator | parameters | steps | train loss | validation loss"
                + " | accuracy | perplexity | tokens/s |")
        .containsPattern("\\| identity \\| identity \\| [0-9,]+ \\| 4 \\| \\d\\.\\d{4} \\|")
        .containsPattern("\\| low_rank \\| low_rank \\(rank=2\\) \\| [0-9,]+ \\| 4 \\|")
        .contains("table:  " + dir.resolve("out/table.md"))
        .contains("csv:    " + dir.resolve("out/table.csv"))
        .contains("losses: " + dir.resolve("out/losses.png"));
    assertThat(Files.readAllLines(dir.resolve("out/table.csv"))).hasSize(4);
    assertThat(r.out()).contains(Files.readString(dir.resolve("out/table.md")));
    assertThat(dir.resolve("out/low_rank/checkpoints/step-00000004/model.safetensors"))
        .isRegularFile();

    // Again: nothing left to train, the same table.
    CliRun again = ablate(file, "--steps", "4");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("[2/3] identity (identity): finished earlier")
        .contains(Files.readString(dir.resolve("out/table.md")));
  }

  @Test
  void theExampleComparesFourOperatorsOnOneBudgetAndData() {
    Ablation a = AblationConfigs.read(EXAMPLE);
    assertThat(a.names()).containsExactly("learned", "identity", "random", "transferred");
    assertThat(a.variants())
        .extracting(PlannedVariant::operator)
        .containsExactly(
            "learned", "identity", "random (seed=3)", "transferred (G-cache of learned)");
    assertThat(a.variants())
        .allSatisfy(
            v -> {
              assertThat(v.config().getSteps()).isEqualTo(1500);
              assertThat(v.config().getDataSeed()).isEqualTo(1);
              assertThat(v.config().getSeed()).isEqualTo(1); // moby-dick-small's seed
              assertThat(v.config().getOutDir()).isEqualTo("runs/ablation-moby-dick/" + v.name());
            });
    assertThat(a.variant("transferred").orElseThrow().gCache())
        .hasValueSatisfying(g -> assertThat(g.variant()).isEqualTo("learned"));
  }

  @Test
  void badAblationFilesFailWithOneLineNamingFileAndField() throws Exception {
    Path file = ablation("variants { name: \"a\" color: \"red\" }");
    CliRun unknown = ablate(file);
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err())
        .startsWith("pldr ablate: error: " + file)
        .contains("pldr.train.AblationVariant.color")
        .hasLineCount(1);

    ablation("variants { name: \"a\" } variants { name: \"a\" }");
    assertThat(ablate(file).err())
        .contains(file + ": field 'variants[1].name': 'a' names two" + " variants");

    ablation("variants { name: \"a\" overrides: \"optimizer.learning_rate=-1\" }");
    assertThat(ablate(file).err())
        .contains(
            file
                + ": variant 'a': field"
                + " 'optimizer.learning_rate': must be a positive number, found -1.0");

    Files.delete(dir.resolve("base.textproto"));
    assertThat(ablate(file).err())
        .contains(file + ": field 'base_config': cannot read")
        .contains("base.textproto");

    ablation("variants { name: \"a\" }");
    CliRun only = ablate(file, "--only", "b");
    assertThat(only.status()).isEqualTo(1);
    assertThat(only.err()).contains("no variant 'b'").contains("its variants: a");
  }
}
