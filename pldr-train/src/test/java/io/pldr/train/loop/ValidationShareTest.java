package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workers' shares of a validation batch: all rows, each once, in order, as equal as they go. */
class ValidationShareTest {
  @Test
  void theSharesOfEveryWorkerAreTheBatchInOrderAndDifferByAtMostOneRow() {
    for (int rows = 0; rows <= 9; rows++) {
      long[][] batch = new long[rows][];
      for (int r = 0; r < rows; r++) {
        batch[r] = new long[] {r};
      }
      for (int workers = 1; workers <= 4; workers++) {
        List<long[]> joined = new ArrayList<>();
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int task = 0; task < workers; task++) {
          long[][] share = Trainer.shareOf(batch, task, workers);
          joined.addAll(List.of(share));
          smallest = Math.min(smallest, share.length);
          largest = Math.max(largest, share.length);
        }
        assertThat(joined).as("%d rows, %d workers", rows, workers).containsExactly(batch);
        assertThat(largest - smallest).isLessThanOrEqualTo(1);
      }
    }
  }
}
