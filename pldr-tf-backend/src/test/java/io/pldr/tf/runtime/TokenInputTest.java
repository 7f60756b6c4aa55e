package io.pldr.tf.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.tf.inject.PldrInjectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad token input fails with a message a person can act on, before TensorFlow sees it. */
class TokenInputTest {
  private static PldrModel model;

  @BeforeAll
  static void build() {
    ModelConfig config =
        ModelConfig.newBuilder()
            .setNumLayers(1)
            .setDModel(8)
            .setNumHeads(2)
            .setDff(12)
            .setVocabSize(20)
            .setADff(4)
            .setNumReslayerA(1)
            .setNumDenseA(1)
            .setMaxSeqLen(6)
            .build();
    model =
        Guice.createInjector(PldrInjectors.builtIn())
            .getInstance(ModelFactory.class)
            .create(config, 7);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void tokenIdOutsideTheVocabularyIsNamed() {
    assertThatThrownBy(() -> model.forward(new long[][] {{1, 2, 20}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokens: id 20 at row 0, position 2 is outside the vocabulary [0, 20)");
  }

  @Test
  void negativeTokenIdIsNamed() {
    assertThatThrownBy(() -> model.forward(new long[][] {{1, 2}, {-1, 3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id -1 at row 1, position 0");
  }

  @Test
  void sequenceLongerThanMaxSeqLenIsRefused() {
    assertThatThrownBy(() -> model.forward(new long[][] {{1, 2, 3, 4, 5, 6, 7}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokens: sequence length 7 exceeds the model's max_seq_len 6");
  }

  @Test
  void raggedRowsAreRefused() {
    assertThatThrownBy(() -> model.forward(new long[][] {{1, 2, 3}, {1, 2}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 2 tokens, row 0 has 3");
  }
}
