package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.model.WeightFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench decode}'s thread line says what each format runs on. */
class DecodeBenchThreadsTest {
  private static final List<WeightFormat> BOTH = List.of(WeightFormat.FLOAT32, WeightFormat.INT8);

  @Test
  void oneCountWhenEveryFormatAsksForTheSame() {
    assertThat(
            DecodeBenchCommand.threadsLine(List.of(WeightFormat.INT8), new int[] {1}, false, true))
        .isEqualTo("intra-op threads: 1 (the default for this model's size)");
    assertThat(DecodeBenchCommand.threadsLine(BOTH, new int[] {2, 2}, true, false))
        .isEqualTo("intra-op threads: 2 (as set)");
  }

  @Test
  void eachFormatsCountWithAPoolPerSession() {
    assertThat(DecodeBenchCommand.threadsLine(BOTH, new int[] {2, 1}, false, true))
        .isEqualTo("intra-op threads: float32 2, int8 1 (the default for each format's size)");
  }

  @Test
  void theSharedPoolIsNamedWithoutOne() {
    assertThat(DecodeBenchCommand.threadsLine(BOTH, new int[] {2, 1}, false, false))
        .isEqualTo(
            "intra-op threads: 2 for every format (the first session's pool;"
                + " TF_OVERRIDE_GLOBAL_THREADPOOL=1 gives each its own: float32 2, int8 1)");
  }
}
