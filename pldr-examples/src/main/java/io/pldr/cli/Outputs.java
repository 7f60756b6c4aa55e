package io.pldr.cli;

import io.pldr.api.io.IoErrors;
import io.pldr.tf.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before the work, that a command can write its outputs: a file's path is not a folder, and
 * the folder it goes in exists or can be created and is writable, and lies in no checkpoint folder
 * (a checkpoint holds exactly the files its state records: one more makes it unreadable). Errors
 * name the output, the path and the option.
 */
final class Outputs {
  private Outputs() {}

  /**
   * Fails unless {@code dir} is a writable folder or can be created as one ({@code what}: "the eval
   * folder"; {@code option}: "--out").
   */
  static void checkFolder(Path dir, String what, String option) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException(
          "cannot write " + what + " " + abs + " (" + option + "): it is a file, not a folder");
    }
    checkCreatable(abs, what, option);
  }

  /**
   * Fails unless {@code file} can be written: not a folder, and its folder exists or can be
   * created, and is writable.
   */
  static void checkFile(Path file, String what, String option) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw new IOException(
          "cannot write " + what + " " + abs + " (" + option + "): it is a folder, not a file");
    }
    if (Files.exists(abs) && !Files.isWritable(abs)) {
      throw new IOException(
          "cannot write " + what + " " + abs + " (" + option + "): permission denied");
    }
    Path parent = abs.getParent();
    if (parent != null) {
      checkCreatable(parent, what, option);
    }
  }

  /**
   * Fails if {@code file} exists and is not one that this output may replace ({@code ours}: for
   * example, a G-cache may replace a G-cache, never a model's weights).
   */
  static void checkReplaceable(Path file, String what, String option, FileKind ours)
      throws IOException {
    if (Files.isRegularFile(file) && !ours.test(file)) {
      throw new IOException(
          "cannot write "
              + what
              + " "
              + file.toAbsolutePath().normalize()
              + " ("
              + option
              + "): a file that is not "
              + what
              + " is there, and it is not pldr's to replace; choose another path");
    }
  }

  /** Whether an existing file is of the kind an output may replace. */
  @FunctionalInterface
  interface FileKind {
    boolean test(Path file) throws IOException;
  }

  /** The nearest existing ancestor (or dir itself) is a writable folder, in no checkpoint. */
  private static void checkCreatable(Path dir, String what, String option) throws IOException {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(CheckpointStore.STATE_FILE))) {
        throw refusal(
            what,
            dir,
            option,
            p
                + " is a checkpoint folder, which holds only the files its "
                + CheckpointStore.STATE_FILE
                + " records; write elsewhere");
      }
    }
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    if (!Files.isDirectory(existing)) {
      throw refusal(what, dir, option, existing + " is a file, not a folder");
    }
    if (!Files.isWritable(existing)) {
      throw refusal(what, dir, option, existing + " is not writable");
    }
  }

  private static IOException refusal(String what, Path dir, String option, String why) {
    return new IOException("cannot write " + what + " in " + dir + " (" + option + "): " + why);
  }

  /** Runs {@code write}; an I/O error says what was being written where. */
  static void write(String what, Path path, IoAction write) throws IOException {
    try {
      write.run();
    } catch (IOException e) {
      throw IoErrors.wrapped("write " + what, path, e);
    }
  }

  /** A write that may fail with an I/O error. */
  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }
}
