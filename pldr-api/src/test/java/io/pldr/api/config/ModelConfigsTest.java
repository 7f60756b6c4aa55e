package io.pldr.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigsTest {
  private static final String VALID =
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

  @Test
  void parsesThePaperConfigurationAndFillsDefaults() {
    ModelConfig c = ModelConfigs.parse(VALID, "paper.textproto");
    assertThat(ModelConfigs.depth(c)).isEqualTo(64);
    assertThat(c.getTensorOperator().getName()).isEqualTo("learned");
    assertThat(c.getAttention()).isEqualTo("power_law_graph");
    assertThat(c.getPrecision()).isEqualTo(Precision.FLOAT32);
    assertThat(c.getTokenIds().getPad()).isZero();
    assertThat(c.getTokenIds().getBos()).isEqualTo(2);
    assertThat(c.getTokenIds().getEos()).isEqualTo(3);
    assertThat(ModelConfigs.parse(ModelConfigs.toText(c), "round trip")).isEqualTo(c);
  }

  @Test
  void unknownFieldFailsNamingFileAndField() {
    assertThatThrownBy(() -> ModelConfigs.parse(VALID + "num_layer: 3\n", "a.textproto"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("a.textproto")
        .hasMessageContaining("num_layer");
  }

  @Test
  void headsThatDoNotDivideDModelFail() {
    assertThatThrownBy(
            () ->
                ModelConfigs.parse(VALID.replace("num_heads: 14", "num_heads: 15"), "b.textproto"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("b.textproto: field 'num_heads': must divide d_model=896, found num_heads=15");
  }

  @Test
  void oddHeadDepthFailsForTheRotaryEmbedding() {
    assertThatThrownBy(
            () -> ModelConfigs.parse(VALID.replace("d_model: 896", "d_model: 14"), "c.textproto"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("even");
  }

  @Test
  void missingSizeFailsNamingTheField() {
    assertThatThrownBy(() -> ModelConfigs.parse(VALID.replace("dff: 2389\n", ""), "d.textproto"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("d.textproto: field 'dff': must be a positive integer, found 0");
  }

  @Test
  void tokenIdOutsideTheVocabularyFails() {
    assertThatThrownBy(() -> ModelConfigs.parse(VALID + "token_ids { eos: 32000 }", "e"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("token_ids.eos");
  }

  @Test
  void rotaryLayoutAndBaseAreTheReferencesUnlessSet() {
    ModelConfig unset = ModelConfigs.parse(VALID, "f");
    assertThat(ModelConfigs.rotaryLayout(unset)).isEqualTo(RotaryLayout.INTERLEAVED);
    assertThat(ModelConfigs.ropeTheta(unset)).isEqualTo(10000.0);
    ModelConfig v52 = ModelConfigs.parse(VALID + "rotary_layout: HALF\nrope_theta: 500000\n", "g");
    assertThat(ModelConfigs.rotaryLayout(v52)).isEqualTo(RotaryLayout.HALF);
    assertThat(ModelConfigs.ropeTheta(v52)).isEqualTo(500000.0);
    assertThat(ModelConfigs.parse(ModelConfigs.toText(v52), "round trip")).isEqualTo(v52);
  }

  @Test
  void ropeThetaThatIsNotAFiniteNumberAboveOneFailsNamingTheField() {
    for (String theta : new String[] {"1", "0.5", "-10000", "inf", "nan"}) {
      assertThatThrownBy(() -> ModelConfigs.parse(VALID + "rope_theta: " + theta, "h.textproto"))
          .as("rope_theta: %s", theta)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("h.textproto")
          .hasMessageContaining("rope_theta");
    }
  }

  @Test
  void unknownRotaryLayoutNumberFailsNamingTheField() {
    ModelConfig c = ModelConfigs.parse(VALID, "i").toBuilder().setRotaryLayoutValue(7).build();
    assertThatThrownBy(() -> ModelConfigs.validate(c, "i.textproto"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rotary_layout");
  }

  @Test
  void aConfigFileOfInvalidUtf8IsRefusedNamingTheFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model.textproto");
    // "caf\u00e9" in Latin-1: the byte 0xE9 alone is not UTF-8
    Files.write(
        file,
        new byte[] {
          'n',
          'u',
          'm',
          '_',
          'l',
          'a',
          'y',
          'e',
          'r',
          's',
          ':',
          ' ',
          '2',
          '\n',
          '#',
          ' ',
          'c',
          'a',
          'f',
          (byte) 0xE9,
          '\n'
        });
    assertThatThrownBy(() -> ModelConfigs.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 2")
        .hasMessageContaining("not valid UTF-8");
  }
}
