package io.pldr.api.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * I/O errors in words, for messages that say what was being done and to which path: {@code cannot
 * read the model folder /x/y: no such file or folder}. Java's own messages are often the bare path
 * ({@link NoSuchFileException}) or the bare reason ({@code No space left on device}).
 */
public final class IoErrors {
  private IoErrors() {}

  /**
   * Why {@code e} happened, without the path: the reason a file-system error carries (the system's,
   * for example "No space left on device", or the one pldr gave it), else "no such file or folder",
   * "permission denied", "already exists", "not a folder", "folder not empty", else the exception's
   * message.
   */
  public static String reason(IOException e) {
    if (e instanceof MalformedTextException m) {
      return m.detail();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      String other = f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")";
      return f.getReason() + other;
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "folder not empty";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /**
   * An error saying what failed: {@code cannot <action> <path>: <reason>}, for example {@code
   * wrapped("write the eval report", p, e)}; the file the error names is added when it is another
   * (a temporary file, a file inside the folder). The cause is kept.
   */
  public static IOException wrapped(String action, Path path, IOException e) {
    String where = "";
    if (e instanceof FileSystemException f
        && f.getFile() != null
        && !f.getFile().equals(path.toString())) {
      where = " (" + f.getFile() + ")";
    }
    return new IOException("cannot " + action + " " + path + ": " + reason(e) + where, e);
  }
}
