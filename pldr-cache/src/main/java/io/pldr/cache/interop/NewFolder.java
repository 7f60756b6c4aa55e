package io.pldr.cache.interop;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.pldr.tf.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A folder written whole or not at all: its files go into a temporary sibling, which is renamed to
 * the target only when everything is written; a target that exists and holds anything is refused.
 */
final class NewFolder {
  /** Writes the files of a folder. */
  interface Contents {
    void writeInto(Path dir) throws IOException;
  }

  private NewFolder() {}

  /**
   * Writes {@code out} with {@code contents}; on failure nothing is left at {@code out} or beside
   * it.
   */
  static void write(Path out, Contents contents) throws IOException {
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      boolean empty = false;
      if (Files.isDirectory(target)) {
        try (Stream<Path> s = Files.list(target)) {
          empty = s.findAny().isEmpty();
        }
      }
      if (!empty) {
        throw new FileAlreadyExistsException(
            target.toString(), null, "exists and is not an empty folder; nothing was written");
      }
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = AtomicFiles.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    try {
      contents.writeInto(tmp);
      Files.deleteIfExists(target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(tmp)) {
        MoreFiles.deleteRecursively(tmp, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }
}
