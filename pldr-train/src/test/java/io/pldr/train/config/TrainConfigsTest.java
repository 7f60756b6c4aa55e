package io.pldr.train.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.TrainConfig;
import org.junit.jupiter.api.Test;

class TrainConfigsTest {
  private static final String VALID =
      """
      model { num_layers: 2 d_model: 64 num_heads: 4 dff: 170 vocab_size: 512 a_dff: 16
              num_reslayer_a: 1 num_dense_a: 2 max_seq_len: 64 }
      optimizer { learning_rate: 1e-3 clip_value: 1.0 }
      schedule { warmup_steps: 10 }
      batch_size: 4
      seq_len: 32
      steps: 100
      out_dir: "runs/x"
      """;

  private static ConfigException fails(String text) {
    try {
      TrainConfigs.parse(text, "t.textproto");
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("accepted: " + text);
  }

  @Test
  void fillsTheReferenceDefaults() {
    TrainConfig c = TrainConfigs.parse(VALID, "t.textproto");
    assertThat(c.getOptimizer().getBeta1()).isEqualTo(0.9);
    assertThat(c.getOptimizer().getBeta2()).isEqualTo(0.95);
    assertThat(c.getOptimizer().getEpsilon()).isEqualTo(1e-5);
    assertThat(c.getOptimizer().getWeightDecay()).isEqualTo(0.1);
    assertThat(c.getSchedule().getAlpha()).isEqualTo(0.1);
    assertThat(c.getSchedule().getTotalSteps()).isEqualTo(100);
    assertThat(c.getData().getEmbeddedCorpus()).isEqualTo("moby-dick");
    assertThat(c.getData().getTokenizer().getVocabSize()).isEqualTo(512);
    assertThat(c.getGradAccumulation()).isEqualTo(1);
    assertThat(c.getModel().getTensorOperator().getName()).isEqualTo("learned");
  }

  @Test
  void unknownFieldIsNamed() {
    assertThat(fails(VALID + "learning_rate: 3\n").getMessage())
        .contains("t.textproto")
        .contains("learning_rate");
  }

  @Test
  void headsNotDividingDModelNameTheNestedField() {
    ConfigException e = fails(VALID.replace("num_heads: 4", "num_heads: 5"));
    assertThat(e.field()).isEqualTo("model.num_heads");
    assertThat(e.getMessage()).contains("must divide d_model=64");
  }

  @Test
  void negativeLearningRateIsRefused() {
    ConfigException e = fails(VALID.replace("learning_rate: 1e-3", "learning_rate: -1e-3"));
    assertThat(e.field()).isEqualTo("optimizer.learning_rate");
  }

  @Test
  void warmupLongerThanTheRunIsRefused() {
    ConfigException e = fails(VALID.replace("warmup_steps: 10", "warmup_steps: 101"));
    assertThat(e.field()).isEqualTo("schedule.warmup_steps");
    assertThat(e.getMessage()).contains("steps=100").contains("101");
  }

  @Test
  void sequenceLongerThanTheModelAcceptsIsRefused() {
    assertThat(fails(VALID.replace("seq_len: 32", "seq_len: 65")).field()).isEqualTo("seq_len");
  }

  @Test
  void tokenizerVocabularyMustMatchTheModel() {
    assertThat(fails(VALID + "data { tokenizer { vocab_size: 300 } }").field())
        .isEqualTo("data.tokenizer.vocab_size");
  }

  @Test
  void missingOutDirIsNamed() {
    assertThat(fails(VALID.replace("out_dir: \"runs/x\"", "")).field()).isEqualTo("out_dir");
  }

  @Test
  void dagBlockIsOptionalAndItsCoefficientsDefaultToZero() {
    assertThat(TrainConfigs.parse(VALID, "t.textproto").hasDag()).isFalse();
    TrainConfig c = TrainConfigs.parse(VALID + "dag { c_g: 0.01 }\n", "t.textproto");
    assertThat(c.hasDag()).isTrue();
    assertThat(c.getDag().getCA()).isZero();
    assertThat(c.getDag().getCP()).isZero();
    assertThat(c.getDag().getCG()).isEqualTo(0.01);
  }

  @Test
  void dagCoefficientBelowZeroIsRefusedNamingTheFieldAndTheAcceptedValues() {
    for (String field : new String[] {"c_a", "c_p", "c_g"}) {
      ConfigException e = fails(VALID + "dag { " + field + ": -0.5 }\n");
      assertThat(e.field()).isEqualTo("dag." + field);
      assertThat(e.getMessage())
          .contains("t.textproto")
          .contains("dag." + field)
          .contains("expected a finite number ≥ 0")
          .contains("found -0.5");
    }
    assertThat(fails(VALID + "dag { c_a: nan }\n").field()).isEqualTo("dag.c_a");
    assertThat(fails(VALID + "dag { c_g: inf }\n").field()).isEqualTo("dag.c_g");
  }

  @Test
  void bf16MixedPrecisionIsAcceptedForAFloat32Model() {
    TrainConfig c = TrainConfigs.parse(VALID + "precision: BF16_MIXED\n", "t.textproto");
    assertThat(c.getPrecision()).isEqualTo(io.pldr.api.config.TrainPrecision.BF16_MIXED);
    assertThat(TrainConfigs.parse(VALID, "t.textproto").getPrecision())
        .isEqualTo(io.pldr.api.config.TrainPrecision.MODEL_DTYPE);
  }

  @Test
  void bf16MixedPrecisionWithAFloat64ModelNamesBothFields() {
    ConfigException e =
        fails(
            VALID.replace("max_seq_len: 64", "max_seq_len: 64 precision: FLOAT64")
                + "precision: BF16_MIXED\n");
    assertThat(e.getMessage())
        .contains("t.textproto")
        .contains("precision")
        .contains("model.precision is FLOAT64")
        .contains("BF16_MIXED");
  }
}
