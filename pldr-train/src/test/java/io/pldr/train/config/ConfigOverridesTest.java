package io.pldr.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.OptimizerConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.config.TrainConfig;
import org.junit.jupiter.api.Test;

/** {@code field.path=value} overrides of any field of a training configuration. */
class ConfigOverridesTest {
  private static TrainConfig apply(TrainConfig start, String... overrides) {
    TrainConfig.Builder b = start.toBuilder();
    for (String o : overrides) {
      ConfigOverrides.apply(b, o, "abl.textproto", "overrides");
    }
    return b.build();
  }

  private static TrainConfig apply(String... overrides) {
    return apply(TrainConfig.getDefaultInstance(), overrides);
  }

  @Test
  void setsScalarsOfEveryTypeAtAnyDepth() {
    TrainConfig c =
        apply(
            "optimizer.learning_rate=2e-3",
            "steps=600",
            "model.num_heads=4",
            "model.precision=FLOAT64",
            "model.tensor_operator.name=identity",
            "out_dir=runs/x",
            "seed=7",
            "data.validation_fraction=0.1");
    assertThat(c.getOptimizer().getLearningRate()).isEqualTo(2e-3);
    assertThat(c.getSteps()).isEqualTo(600);
    assertThat(c.getModel().getNumHeads()).isEqualTo(4);
    assertThat(c.getModel().getPrecision()).isEqualTo(Precision.FLOAT64);
    assertThat(c.getModel().getTensorOperator().getName()).isEqualTo("identity");
    assertThat(c.getOutDir()).isEqualTo("runs/x");
    assertThat(c.getSeed()).isEqualTo(7);
    assertThat(c.getData().hasValidationFraction()).isTrue();
    assertThat(c.getData().getValidationFraction()).isEqualTo(0.1);
  }

  @Test
  void aLaterValueWinsAndZeroIsAValue() {
    TrainConfig c =
        apply(
            "eval_every=5",
            "eval_every=0",
            "optimizer.clip_value=1",
            "optimizer.clip_global_norm=2");
    assertThat(c.getEvalEvery()).isZero();
    // One of a oneof: setting the second clears the first.
    assertThat(c.getOptimizer().getClipCase()).isEqualTo(OptimizerConfig.ClipCase.CLIP_GLOBAL_NORM);
  }

  @Test
  void mapKeysAreSetOneByOneAndListsReplaced() {
    TrainConfig start =
        apply(
            "model.tensor_operator.options.rank=4",
            "model.tensor_operator.options.seed=1",
            "data.train_files=a.txt");
    TrainConfig c =
        apply(start, "model.tensor_operator.options.rank=8", "data.train_files=b.txt, c.txt");
    assertThat(c.getModel().getTensorOperator().getOptionsMap())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("rank", "8", "seed", "1"));
    assertThat(c.getData().getTrainFilesList()).containsExactly("b.txt", "c.txt");
    assertThat(apply(c, "data.train_files=").getData().getTrainFilesList()).isEmpty();
  }

  @Test
  void anUnknownFieldIsNamedWithTheFieldsThatExist() {
    assertThatThrownBy(() -> apply("optimizer.learnin_rate=1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("abl.textproto: field 'overrides': 'optimizer.learnin_rate=1'")
        .hasMessageContaining("unknown field 'learnin_rate' of OptimizerConfig")
        .hasMessageContaining("it has: learning_rate, beta1");
  }

  @Test
  void aNegativeValueOfAnUnsignedFieldIsRefused() {
    assertThatThrownBy(() -> apply("log_every=-3"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("abl.textproto")
        .hasMessageContaining("'overrides'")
        .hasMessageContaining("log_every must be a non-negative integer, found '-3'");
  }

  @Test
  void valuesOfTheWrongTypeAreRefusedNamingWhatIsAccepted() {
    assertThatThrownBy(() -> apply("optimizer.learning_rate=fast"))
        .hasMessageContaining("optimizer.learning_rate must be a number, found 'fast'");
    assertThatThrownBy(() -> apply("model.precision=FLOAT16"))
        .hasMessageContaining("must be one of PRECISION_UNSPECIFIED, FLOAT32, FLOAT64");
    assertThatThrownBy(() -> apply("steps=2.5"))
        .hasMessageContaining("steps must be a non-negative integer, found '2.5'");
  }

  @Test
  void malformedOverridesAreRefused() {
    assertThatThrownBy(() -> apply("steps"))
        .hasMessageContaining("'steps' is not field.path=value");
    assertThatThrownBy(() -> apply("optimizer=1"))
        .hasMessageContaining("'optimizer' is a message: set one of its fields: learning_rate");
    assertThatThrownBy(() -> apply("steps.x=1")).hasMessageContaining("'steps' has no fields");
    assertThatThrownBy(() -> apply("model.tensor_operator.options=1"))
        .hasMessageContaining("'options' is a map: name one key after it");
  }
}
