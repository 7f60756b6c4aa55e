package io.pldr.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchIteratorTest {
  /** Tokens equal to their position, so a window's first token / seqLen is its index. */
  static PackedSequences sequences(int windows, int seqLen) {
    int n = windows * seqLen + 1;
    return new PackedSequences(
        TokenSequence.of(IntStream.range(0, n).toArray()), seqLen, 0.05, "positions");
  }

  static long windowOf(long[] row, int seqLen) {
    return row[0] / seqLen;
  }

  @Test
  void permutationsDependOnlyOnSeedAndEpoch() {
    int[] p = BatchIterator.permutation(1000, 42, 3);
    assertThat(BatchIterator.permutation(1000, 42, 3)).isEqualTo(p);
    assertThat(BatchIterator.permutation(1000, 42, 4)).isNotEqualTo(p);
    assertThat(BatchIterator.permutation(1000, 43, 3)).isNotEqualTo(p);
    assertThat(Arrays.stream(p).sorted().toArray()).isEqualTo(IntStream.range(0, 1000).toArray());
    // Pinned: a change here would break resuming runs saved by earlier versions.
    assertThat(BatchIterator.permutation(10, 1234, 0)).containsExactly(PINNED_10_1234_0);
  }

  static final int[] PINNED_10_1234_0 = {2, 9, 8, 3, 1, 0, 4, 5, 6, 7};

  @Test
  void eachEpochVisitsEveryTrainingWindowOnceAndNeverAValidationWindow() {
    PackedSequences s = sequences(100, 4); // 95 training, 5 validation windows
    BatchIterator it = s.trainBatches(5, 7, DataPosition.START);
    List<Long> epoch0 = new ArrayList<>();
    for (int b = 0; b < 19; b++) {
      long[][] batch = it.next();
      assertThat(batch).hasNumberOfRows(5);
      for (long[] row : batch) {
        assertThat(row).hasSize(5);
        assertThat(row).containsExactly(s.window(windowOf(row, 4)));
        epoch0.add(windowOf(row, 4));
      }
    }
    assertThat(epoch0).doesNotHaveDuplicates().hasSize(95).allMatch(w -> w < 95);
    assertThat(epoch0).isNotEqualTo(epoch0.stream().sorted().toList());
    assertThat(it.position()).isEqualTo(new DataPosition(1, 0));
    List<Long> epoch1 = new ArrayList<>();
    for (long[] row : it.next()) {
      epoch1.add(windowOf(row, 4));
    }
    assertThat(epoch1).isNotEqualTo(epoch0.subList(0, 5));
  }

  @Test
  void aBatchAtTheEndOfAnEpochContinuesInTheNext() {
    PackedSequences s = sequences(11, 2); // 10 training windows
    BatchIterator it = s.trainBatches(4, 1, DataPosition.START);
    it.next();
    it.next();
    long[][] third = it.next();
    int[] e0 = BatchIterator.permutation(10, 1, 0);
    int[] e1 = BatchIterator.permutation(10, 1, 1);
    assertThat(Arrays.stream(third).mapToLong(r -> windowOf(r, 2)).toArray())
        .containsExactly(e0[8], e0[9], e1[0], e1[1]);
    assertThat(it.position()).isEqualTo(new DataPosition(1, 2));
  }

  @Test
  void anIteratorCreatedAtASavedPositionYieldsTheSameBatches() {
    PackedSequences s = sequences(60, 3); // 57 training windows
    BatchIterator original = s.trainBatches(8, 99, DataPosition.START);
    List<long[][]> batches = new ArrayList<>();
    List<DataPosition> positions = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      positions.add(original.position());
      batches.add(original.next());
    }
    for (int k : new int[] {0, 1, 7, 13, 22}) {
      BatchIterator resumed = s.trainBatches(8, 99, positions.get(k));
      for (int i = k; i < 30; i++) {
        assertThat(resumed.next()).as("batch %d resumed at %d", i, k).isDeepEqualTo(batches.get(i));
      }
      assertThat(resumed.position()).isEqualTo(original.position());
    }
    assertThat(positions.get(22).epoch()).isEqualTo(3); // 22 * 8 = 176 = 3 * 57 + 5
    assertThat(positions.get(22).index()).isEqualTo(5);
  }

  @Test
  void positionsOutsideTheTrainingSplitAreRejected() {
    PackedSequences s = sequences(20, 2); // 19 training windows
    assertThatThrownBy(() -> s.trainBatches(2, 0, new DataPosition(0, 19)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("19 training");
    assertThatThrownBy(() -> new DataPosition(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.trainBatches(0, 0, DataPosition.START))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
