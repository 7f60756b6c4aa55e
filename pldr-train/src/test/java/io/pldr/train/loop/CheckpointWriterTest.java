package io.pldr.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Checkpoint writes on their own thread: one at a time, reported and failing on the caller's. */
class CheckpointWriterTest {
  @Test
  void theCallerGoesOnWhileAWriteRunsAndTheNextWriteWaitsForIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    try (CheckpointWriter writer = new CheckpointWriter()) {
      assertThat(
              writer.submit(
                  10,
                  () -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    started.countDown();
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      throw new IOException(e);
                    }
                    running.decrementAndGet();
                    return Path.of("step-10");
                  }))
          .isEmpty();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      // the write blocks; the caller is not blocked and sees nothing finished
      assertThat(writer.poll()).isEmpty();
      Thread releaser =
          new Thread(
              () -> {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                release.countDown();
              });
      releaser.start();
      // the next hand-over waits for the first write and reports it
      CheckpointWriter.Written first =
          writer
              .submit(
                  20,
                  () -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    running.decrementAndGet();
                    return Path.of("step-20");
                  })
              .orElseThrow();
      assertThat(first).isEqualTo(new CheckpointWriter.Written(10, Path.of("step-10")));
      assertThat(writer.await()).contains(new CheckpointWriter.Written(20, Path.of("step-20")));
      assertThat(writer.await()).isEmpty();
      assertThat(mostAtOnce.get()).isEqualTo(1);
      releaser.join();
    }
  }

  @Test
  void aFailedWriteIsThrownOnTheCallersThreadWithItsCause() throws Exception {
    try (CheckpointWriter writer = new CheckpointWriter()) {
      writer.submit(
          5,
          () -> {
            throw new IOException("cannot write the checkpoint of step 5: No space left on device");
          });
      assertThatThrownBy(writer::await)
          .isInstanceOf(IOException.class)
          .hasMessage("cannot write the checkpoint of step 5: No space left on device");
      assertThat(writer.await()).isEmpty();
    }
  }
}
