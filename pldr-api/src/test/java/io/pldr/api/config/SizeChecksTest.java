package io.pldr.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Absurd sizes fail at once, naming the field and the memory they would take. */
class SizeChecksTest {
  /** The machine of docs/benchmarks.md: 24 GB of memory, a 6 GB heap. */
  private static final MachineMemory MACHINE = new MachineMemory(24_000_000_000L, 6_000_000_000L);

  private static final String PAPER =
      """
      num_layers: 5
      d_model: 896
      num_heads: 14
      dff: 2389
      vocab_size: 32000
      a_dff: 170
      num_reslayer_a: 8
      num_dense_a: 2
      max_seq_len: 1024
      """;

  private static final String MEMORY = "\\d+\\.\\d [kMGTPE]B";

  private static ModelConfig config(String text) {
    ModelConfig.Builder b = ModelConfig.newBuilder();
    try {
      com.google.protobuf.TextFormat.getParser().merge(text, b);
    } catch (com.google.protobuf.TextFormat.ParseException e) {
      throw new AssertionError(e);
    }
    return b.build();
  }

  /** The refusal of {@code text}, which must come well within a second. */
  private static ConfigException refused(String text, MachineMemory machine) {
    ModelConfig parsed = config(text);
    return assertTimeoutPreemptively(
        Duration.ofMillis(500),
        () -> {
          try {
            ModelConfigs.validate(parsed, "fuzz.textproto", "", machine);
          } catch (ConfigException e) {
            return e;
          }
          throw new AssertionError("accepted: " + text);
        });
  }

  @Test
  void thePaperModelPassesAndItsParameterCountIsThePapers() {
    assertThatCode(() -> ModelConfigs.validate(config(PAPER), "paper", "", MACHINE))
        .doesNotThrowAnyException();
    assertThatCode(() -> ModelConfigs.validate(config(PAPER), "paper")).doesNotThrowAnyException();
    MemoryEstimate e = MemoryEstimate.inference(ModelConfigs.validate(config(PAPER), "paper"));
    // the 109.7 M parameters bench train counts in the paper model's graph (docs/benchmarks.md)
    assertThat(e.parameters()).isEqualTo(109_689_362L);
    assertThat(e.bytes("parameters")).isEqualTo(4 * e.parameters());
    assertThat(e.bytes("KV-cache of one max_seq_len sequence")).isEqualTo(2L * 5 * 1024 * 896 * 4);
  }

  @Test
  void aHugeDModelNamesTheFieldAndThePetabytes() {
    ConfigException e =
        refused(
            PAPER
                .replace("d_model: 896", "d_model: 1000000000")
                .replace("num_heads: 14", "num_heads: 10"),
            MACHINE);
    assertThat(e.field()).isEqualTo("d_model");
    assertThat(e.getMessage())
        .contains("1000000000 is too large: the model's parameters alone would take")
        .containsPattern(MEMORY)
        .contains(
            "more than the 24.0 GB of memory this machine has (its Java heap: at most 6.0 GB)");
  }

  @Test
  void aHugeDffNamesDff() {
    ConfigException e = refused(PAPER.replace("dff: 2389", "dff: 2000000000"), MACHINE);
    assertThat(e.field()).isEqualTo("dff");
    // 5 layers × 3 · 896 · 2·10^9 = 2.7·10^13 parameters, 4 bytes each
    assertThat(e.getMessage()).contains("2000000000 is too large").contains("107.6 TB");
  }

  @Test
  void aHugeMaxSeqLenNamesMaxSeqLen() {
    ConfigException e =
        refused(PAPER.replace("max_seq_len: 1024", "max_seq_len: 2000000000"), MACHINE);
    assertThat(e.field()).isEqualTo("max_seq_len");
    assertThat(e.getMessage())
        .contains("2000000000 is too large: loading the model would take about")
        .contains("KV-cache of one max_seq_len sequence 71.7 TB")
        .containsPattern(MEMORY);
  }

  @Test
  void aMillionLayersNamesNumLayers() {
    ConfigException e = refused(PAPER.replace("num_layers: 5", "num_layers: 1000000"), MACHINE);
    assertThat(e.field()).isEqualTo("num_layers");
    assertThat(e.getMessage()).contains("1000000 is too large").containsPattern(MEMORY);
  }

  @Test
  void aUint32Of2To31OrMoreIsNotReadAsNegative() {
    ConfigException e = refused(PAPER.replace("d_model: 896", "d_model: 3000000000"), MACHINE);
    assertThat(e.getMessage())
        .contains("field 'd_model': must be a positive integer below 2^31, found 3000000000");
  }

  @Test
  void aTensorBeyondAJavaArrayFailsEvenWhereMemoryWouldHoldIt() {
    MachineMemory huge = new MachineMemory(Long.MAX_VALUE / 2, Long.MAX_VALUE / 4);
    ConfigException e = refused(PAPER.replace("vocab_size: 32000", "vocab_size: 3000000"), huge);
    assertThat(e.field()).isEqualTo("vocab_size");
    assertThat(e.getMessage())
        .contains("the embedding (vocab_size × d_model) would have 2,688,000,000 elements")
        .contains("more than a Java array holds (2,147,483,639)");
  }

  @Test
  void aHeapTooSmallForTheParametersSaysHowToGiveJavaMore() {
    ConfigException e = refused(PAPER, new MachineMemory(24_000_000_000L, 256_000_000L));
    assertThat(e.getMessage())
        .contains("in the Java heap")
        .contains("more than its maximum of 256.0 MB")
        .contains("PLDR_JAVA_OPTS=-Xmx1g");
  }

  @Test
  void trainingCountsGradientsAdamWAndActivations() {
    ModelConfig paper = ModelConfigs.validate(config(PAPER), "paper", "", MACHINE);
    MemoryEstimate one = MemoryEstimate.training(paper, 1, 256, 1);
    MemoryEstimate two = MemoryEstimate.training(paper, 2, 256, 1);
    long p = 4 * one.parameters();
    assertThat(one.bytes("gradients")).isEqualTo(p);
    assertThat(one.bytes("AdamW state")).isEqualTo(2 * p);
    assertThat(MemoryEstimate.training(paper, 1, 256, 4).bytes("gradients")).isEqualTo(2 * p);
    // activations grow with the batch, nothing else does
    assertThat(two.bytes("activations of 2 × 256 tokens"))
        .isEqualTo(2 * one.bytes("activations of 1 × 256 tokens"));
    assertThat(two.totalBytes() - one.totalBytes())
        .isEqualTo(one.bytes("activations of 1 × 256 tokens"));
    assertThatCode(() -> SizeChecks.checkTraining(paper, 2, 256, 1, "bench", "", MACHINE))
        .doesNotThrowAnyException();
  }

  @Test
  void aHugeBatchNamesBatchSize() {
    ModelConfig paper = ModelConfigs.validate(config(PAPER), "paper", "", MACHINE);
    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    Duration.ofMillis(500),
                    () ->
                        SizeChecks.checkTraining(
                            paper, 1_000_000_000, 1024, 1, "t", "model.", MACHINE)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("field 'batch_size': 1000000000 is too large: training would take")
        .hasMessageContaining("activations of 1000000000 × 1024 tokens");
  }

  @Test
  void sizesPrintInDecimalUnits() {
    assertThat(MemoryEstimate.bytes(999)).isEqualTo("999 bytes");
    assertThat(MemoryEstimate.bytes(2_300_000_000_000_000L)).isEqualTo("2.3 PB");
    assertThat(MemoryEstimate.bytes(6_000_000_000L)).isEqualTo("6.0 GB");
    assertThat(MemoryEstimate.bytes(Long.MAX_VALUE)).isEqualTo("more than 9.2 EB");
  }
}
