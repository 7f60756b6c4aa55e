package io.pldr.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.DataConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PackedSequencesTest {
  /** Tokens whose value is their position times 7 modulo 1000, so slices are recognisable. */
  static TokenSequence ramp(int n) {
    return TokenSequence.of(IntStream.range(0, n).map(i -> i * 7 % 1000).toArray());
  }

  static long[] slice(TokenSequence t, long from, int length) {
    return LongStream.range(from, from + length).map(i -> t.get(i)).toArray();
  }

  @Test
  void windowsAreConsecutiveSlicesOfSeqLenPlusOneTokens() {
    TokenSequence t = ramp(103);
    PackedSequences s = new PackedSequences(t, 4, 0.05, "ramp");

    assertThat(s.windows()).isEqualTo(25); // (103 - 1) / 4
    assertThat(s.validationWindows()).isEqualTo(1); // round(1.25)
    assertThat(s.trainWindows()).isEqualTo(24);
    for (long w = 0; w < s.windows(); w++) {
      assertThat(s.window(w)).containsExactly(slice(t, 4 * w, 5));
    }
    // Inputs of window w+1 start with the last target of window w.
    assertThat(s.window(3)[4]).isEqualTo(s.window(4)[0]);
    assertThatThrownBy(() -> s.window(25)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void theValidationSplitIsTheLastRoundedFractionOfWindowsAndAtLeastOne() {
    assertThat(new PackedSequences(ramp(101), 4, 0.2, "r").validationWindows()).isEqualTo(5);
    assertThat(new PackedSequences(ramp(101), 4, 0.0, "r").validationWindows()).isEqualTo(1);
    assertThat(new PackedSequences(ramp(1001), 10, 0.05, "r").validationWindows()).isEqualTo(5);
    // Exactly two windows: one each.
    PackedSequences two = new PackedSequences(ramp(9), 4, 0.05, "r");
    assertThat(two.trainWindows()).isEqualTo(1);
    assertThat(two.validationWindows()).isEqualTo(1);
    assertThat(PackedSequences.validationFraction(DataConfig.getDefaultInstance())).isEqualTo(0.05);
    assertThat(
            PackedSequences.validationFraction(
                DataConfig.newBuilder().setValidationFraction(0).build()))
        .isEqualTo(0.0);
  }

  @Test
  void aCorpusTooShortForTrainingAndValidationFailsNamingSourcesAndCounts() {
    assertThatThrownBy(() -> new PackedSequences(ramp(8), 4, 0.05, "tiny.txt"))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining("tiny.txt")
        .hasMessageContaining("8 tokens")
        .hasMessageContaining("1 window(s)")
        .hasMessageContaining("at least 9 tokens");
    assertThatThrownBy(() -> new PackedSequences(ramp(3), 1024, 0.05, "a.txt, b.jsonl"))
        .isInstanceOf(CorpusException.class)
        .hasMessageContaining("a.txt, b.jsonl")
        .hasMessageContaining("3 tokens")
        .hasMessageContaining("0 window(s)")
        .hasMessageContaining("2049 tokens");
    assertThatThrownBy(() -> new PackedSequences(ramp(100), 4, 1.0, "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validation_fraction");
  }

  @Test
  void validationBatchesComeInFixedOrderWithASmallerLastBatch() {
    PackedSequences s = new PackedSequences(ramp(401), 4, 0.05, "r"); // 100 windows, 5 val
    assertThat(s.validationBatchCount(2)).isEqualTo(3);
    List<long[][]> batches = new ArrayList<>();
    s.validationBatches(2, 0).forEach(batches::add);
    assertThat(batches).extracting(b -> b.length).containsExactly(2, 2, 1);
    assertThat(batches.get(0)[0]).containsExactly(s.window(95));
    assertThat(batches.get(2)[0]).containsExactly(s.window(99));
    List<long[][]> again = new ArrayList<>();
    s.validationBatches(2, 2).forEach(again::add);
    assertThat(again).hasSize(2);
    assertThat(again.get(1)).isDeepEqualTo(batches.get(1));
  }
}
