package io.pldr.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.MachineMemory;
import io.pldr.api.config.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sizes a fuzz campaign fed the README's main job: each fails at once, naming the field and the
 * memory it would take, before any data is read; the job itself and the paper's model pass.
 */
class TrainConfigSizesTest {
  /** The machine of docs/benchmarks.md: 24 GB of memory, a 6 GB heap. */
  private static final MachineMemory MACHINE = new MachineMemory(24_000_000_000L, 6_000_000_000L);

  private static final Path MAIN_JOB =
      Path.of("..", "pldr-examples", "configs", "moby-dick-small.textproto");

  private static String mainJob() throws Exception {
    return Files.readString(MAIN_JOB);
  }

  /** The refusal of {@code text}, which must come well within a second of parsing it. */
  private static ConfigException refused(String text) {
    TrainConfig parsed = TrainConfigs.builder(text, "fuzz").build();
    return assertTimeoutPreemptively(
        Duration.ofMillis(500),
        () -> {
          try {
            TrainConfigs.validate(parsed, "fuzz", MACHINE);
          } catch (ConfigException e) {
            return e;
          }
          throw new AssertionError("accepted: " + text);
        });
  }

  @Test
  void theMainJobPassesOnThisMachineAndOnTheBenchmarkOne() throws Exception {
    TrainConfig c = TrainConfigs.read(MAIN_JOB);
    assertThat(c.getModel().getDModel()).isEqualTo(128);
    assertThat(
            TrainConfigs.validate(TrainConfigs.builder(mainJob(), "job").build(), "job", MACHINE))
        .isEqualTo(c);
  }

  @Test
  void thePapersModelTrainsAtTheBenchmarksBatch() throws Exception {
    String paper =
        mainJob()
            .replace("num_layers: 3", "num_layers: 5")
            .replace("d_model: 128", "d_model: 896")
            .replace("num_heads: 4 ", "num_heads: 14 ")
            .replace("dff: 341", "dff: 2389")
            .replace("vocab_size: 1024", "vocab_size: 32000")
            .replace("a_dff: 32", "a_dff: 170")
            .replace("num_reslayer_a: 2", "num_reslayer_a: 8")
            .replace("max_seq_len: 128", "max_seq_len: 1024")
            .replace("batch_size: 16", "batch_size: 2")
            .replace("seq_len: 128", "seq_len: 256");
    TrainConfig c =
        TrainConfigs.validate(TrainConfigs.builder(paper, "paper").build(), "paper", MACHINE);
    assertThat(c.getModel().getNumHeads()).isEqualTo(14);
    assertThat(c.getModel().getVocabSize()).isEqualTo(32000);
  }

  @Test
  void aHugeDModelIsRefusedNamingTheModelsField() throws Exception {
    ConfigException e = refused(mainJob().replace("d_model: 128", "d_model: 1000000000"));
    assertThat(e.field()).isEqualTo("model.d_model");
    assertThat(e.getMessage())
        .startsWith("fuzz: field 'model.d_model': 1000000000 is too large: the model's parameters")
        .containsPattern("\\d\\.\\d [kMGTPE]B");
  }

  @Test
  void aHugeDffIsRefused() throws Exception {
    ConfigException e = refused(mainJob().replace("dff: 341", "dff: 2000000000"));
    assertThat(e.field()).isEqualTo("model.dff");
    assertThat(e.getMessage()).contains("2000000000 is too large").contains("9.3 TB");
  }

  @Test
  void aHugeMaxSeqLenIsRefused() throws Exception {
    ConfigException e = refused(mainJob().replace("max_seq_len: 128", "max_seq_len: 2000000000"));
    assertThat(e.field()).isEqualTo("model.max_seq_len");
    assertThat(e.getMessage()).contains("2000000000 is too large").contains("KV-cache");
  }

  @Test
  void aHugeBatchIsRefused() throws Exception {
    ConfigException e = refused(mainJob().replace("batch_size: 16", "batch_size: 1000000000"));
    assertThat(e.field()).isEqualTo("batch_size");
    assertThat(e.getMessage())
        .contains("1000000000 is too large: training would take about")
        .contains("activations of 1000000000 × 128 tokens")
        .containsPattern("\\d\\.\\d [kMGTPE]B");
  }

  @Test
  void aMillionLayersAreRefused() throws Exception {
    ConfigException e = refused(mainJob().replace("num_layers: 3", "num_layers: 1000000"));
    assertThat(e.field()).isEqualTo("model.num_layers");
    assertThat(e.getMessage()).contains("1000000 is too large").contains("926.6 GB");
  }

  @Test
  void aBatchOf2To31OrMoreIsNotReadAsNegative() throws Exception {
    ConfigException e = refused(mainJob().replace("batch_size: 16", "batch_size: 4000000000"));
    assertThat(e.getMessage())
        .contains("field 'batch_size': must be a positive integer below 2^31, found 4000000000");
  }
}
