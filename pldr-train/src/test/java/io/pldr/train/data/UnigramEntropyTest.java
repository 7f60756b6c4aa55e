package io.pldr.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UnigramEntropyTest {
  @Test
  void entropyOfKnownDistributions() {
    assertThat(UnigramEntropy.entropy(new long[] {5, 5})).isCloseTo(Math.log(2), within(1e-12));
    assertThat(UnigramEntropy.entropy(new long[] {1, 1, 1, 1, 0}))
        .isCloseTo(Math.log(4), within(1e-12));
    assertThat(UnigramEntropy.entropy(new long[] {0, 9})).isZero();
    assertThat(UnigramEntropy.entropy(new long[0])).isZero();
    // p = (1/2, 1/4, 1/4): 1.5 bits.
    assertThat(UnigramEntropy.entropy(new long[] {2, 1, 1}) / Math.log(2))
        .isCloseTo(1.5, within(1e-12));
    assertThatThrownBy(() -> UnigramEntropy.entropy(new long[] {1, -1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trainingEntropyCountsTheTargetsOfTheTrainingWindowsOnly() {
    // seq_len 2, 41 tokens: 20 windows, 1 validation; training targets are tokens 1..38.
    int[] ids = new int[41];
    for (int i = 1; i <= 38; i++) {
      ids[i] = i % 2 == 0 ? 70_000 : 5; // 19 of each
    }
    ids[0] = 9; // an input only
    ids[39] = 9; // validation
    ids[40] = 9;
    PackedSequences s = new PackedSequences(TokenSequence.of(ids), 2, 0.05, "t");
    assertThat(s.trainWindows()).isEqualTo(19);

    UnigramEntropy h = UnigramEntropy.ofTraining(s);
    assertThat(h.tokens()).isEqualTo(38);
    assertThat(h.distinct()).isEqualTo(2);
    assertThat(h.nats()).isCloseTo(Math.log(2), within(1e-12));
    assertThat(h.bits()).isCloseTo(1.0, within(1e-12));
  }
}
