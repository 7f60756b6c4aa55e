package io.pldr.tf.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a file so that readers see either the old content or the whole new content: the data goes
 * to a temporary file beside the target, is forced to disk, and is renamed over it. The temporary
 * file (and folder, {@link #createTempDirectory}) is created with the permissions the umask gives
 * any new file, not privately as {@link Files#createTempFile} would, so what is renamed into place
 * reads like a file the user made.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private AtomicFiles() {}

  /** What writes the content. */
  @FunctionalInterface
  public interface Writer {
    void write(FileChannel out) throws IOException;
  }

  /** Writes {@code file} atomically. */
  public static void write(Path file, Writer writer) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel out =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writer.write(out);
        out.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot sync a directory; the rename itself is atomic.
    }
  }

  /**
   * Creates a new empty file {@code dir/prefix<random>suffix} with the default permissions (those
   * the umask leaves), unlike {@link Files#createTempFile}, which makes it readable by its owner
   * only.
   */
  public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
    while (true) {
      try {
        return Files.createFile(dir.resolve(prefix + randomName() + suffix));
      } catch (FileAlreadyExistsException taken) {
        // another writer drew the same name: draw again
      }
    }
  }

  /**
   * Creates a new empty folder {@code dir/prefix<random>} with the default permissions (those the
   * umask leaves), unlike {@link Files#createTempDirectory}, which makes it its owner's only.
   */
  public static Path createTempDirectory(Path dir, String prefix) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(dir.resolve(prefix + randomName()));
      } catch (FileAlreadyExistsException taken) {
        // another writer drew the same name: draw again
      }
    }
  }

  private static String randomName() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }
}
