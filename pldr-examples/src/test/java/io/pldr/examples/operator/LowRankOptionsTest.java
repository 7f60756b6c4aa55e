package io.pldr.examples.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The operator's options: a rank from 1 to the head depth d = 8, nothing else. */
class LowRankOptionsTest {
  private static ModelConfig withRank(String rank) {
    return LowRankOperatorTest.config(rank);
  }

  @Test
  void aRankFromOneToTheDepthIsAccepted() {
    assertThat(LowRankOptions.of(withRank("1")).rank()).isEqualTo(1);
    assertThat(LowRankOptions.of(withRank(" 8 ")).rank()).isEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "9", "-2", "two", "2.5", ""})
  void aRankOutsideOneToTheDepthFailsNamingTheOptionAndTheAcceptedValues(String rank) {
    assertThatThrownBy(() -> LowRankOptions.of(withRank(rank)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("field 'tensor_operator.options'")
        .hasMessageContaining(
            "operator 'low_rank' option 'rank' must be an integer from 1 to"
                + " the head depth d=8, found '"
                + rank
                + "'");
  }

  @Test
  void aMissingRankFailsNamingTheOption() {
    ModelConfig c = LowRankOperatorTest.config("1");
    ModelConfig noRank =
        c.toBuilder().setTensorOperator(c.getTensorOperator().toBuilder().clearOptions()).build();
    assertThatThrownBy(() -> LowRankOptions.of(noRank))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("operator 'low_rank' needs the option 'rank': an integer from 1");
  }

  @Test
  void anUnknownOptionFailsListingTheAcceptedOnes() {
    ModelConfig c = LowRankOperatorTest.config("1");
    ModelConfig typo =
        c.toBuilder()
            .setTensorOperator(c.getTensorOperator().toBuilder().putOptions("rnak", "2"))
            .build();
    assertThatThrownBy(() -> LowRankOptions.of(typo))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown option 'rnak'; it accepts: rank");
  }
}
