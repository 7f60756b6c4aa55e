package io.pldr.tf.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run folder; a killed holder leaves nothing stuck. */
class RunLockTest {
  @TempDir Path dir;

  @Test
  void aSecondHolderFailsAtOnceNamingTheFolder() throws IOException {
    Path run = dir.resolve("run");
    try (RunLock held = RunLock.acquire(run)) {
      // the same folder through another path is the same lock
      assertThatThrownBy(() -> RunLock.acquire(dir.resolve("run/../run")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dir.resolve("run/../run") + " is in use")
          .hasMessageContaining(RunLock.FILE);
    }
    RunLock.acquire(run).close();
  }

  @Test
  void aProcessKilledWhileHoldingTheLockReleasesIt() throws Exception {
    Path run = dir.resolve("run");
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                run.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> RunLock.acquire(run))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(run + " is in use: another process (pid " + child.pid() + ")");
    } finally {
      child.destroyForcibly(); // SIGKILL: no clean-up in the child
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    RunLock.acquire(run).close();
  }

  /** Holds a run's lock until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      RunLock lock = RunLock.acquire(Path.of(args[0]));
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(120_000);
      lock.close();
    }
  }
}
