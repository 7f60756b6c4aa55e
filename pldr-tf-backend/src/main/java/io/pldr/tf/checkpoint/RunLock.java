package io.pldr.tf.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock of a run folder, so that two processes never write one run at once: an OS file lock
 * ({@link FileChannel#tryLock}) on {@value #FILE} in the folder, which the OS releases when the
 * process ends, even by a crash or {@code kill -9}, so nothing is left stuck. The file stays; it
 * holds the process id of the last holder, for messages.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name inside a run folder. */
  public static final String FILE = "pldr.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code runFolder} (creating it), or fails at once naming the folder when another process
   * (or another run in this one) holds it.
   */
  public static RunLock acquire(Path runFolder) throws IOException {
    Files.createDirectories(runFolder);
    Path file = runFolder.resolve(FILE);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    boolean heldHere = false;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
      heldHere = true;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = heldHere ? " (this one, another of its runs)" : holder(channel);
      channel.close();
      throw new IOException(
          runFolder
              + " is in use: another process"
              + holder
              + " holds its lock "
              + file
              + " and writes that run; wait for it to end (the lock is released when it exits, even"
              + " by a crash) or choose another folder");
    }
    try {
      byte[] pid =
          ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
    } catch (IOException e) {
      lock.release();
      channel.close();
      throw e;
    }
    return new RunLock(channel, lock);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer b = ByteBuffer.allocate(64);
      int n = channel.read(b, 0);
      String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).strip();
      return s.matches("pid \\d+") ? " (" + s + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
