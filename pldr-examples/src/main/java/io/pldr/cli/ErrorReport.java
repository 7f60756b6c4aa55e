package io.pldr.cli;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.MemoryEstimate;
import io.pldr.train.data.CorpusException;
import io.pldr.train.loop.TrainingDivergedException;
import io.pldr.train.loop.WorkerLostException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What the tool prints when a command fails: one line on standard error, {@code pldr COMMAND:
 * error: MESSAGE}, exit status 1, and the full stack trace only with {@code --debug} or the
 * environment variable {@code PLDR_DEBUG=1}. Expected failures (bad input, bad files, a diverged
 * run) print their message; a missing or unreadable file says what and where; running out of memory
 * says what to do; anything else is an internal error named by its type. Errors (out of memory, a
 * stack overflow, a native library that does not load) reach it through {@link #strategy}.
 */
final class ErrorReport implements CommandLine.IExecutionExceptionHandler {
  /** The environment variable that turns on stack traces, as {@code --debug} does. */
  static final String DEBUG_ENV = "PLDR_DEBUG";

  private final boolean debugFromEnvironment;

  /** Reads {@link #DEBUG_ENV} from {@code env}: set, and neither empty, 0 nor false. */
  ErrorReport(Map<String, String> env) {
    String v = env.getOrDefault(DEBUG_ENV, "").strip();
    this.debugFromEnvironment = !(v.isEmpty() || v.equals("0") || v.equalsIgnoreCase("false"));
  }

  /**
   * Runs the command that was asked for ({@link CommandLine.RunLast}); an {@link Error} it throws
   * becomes an {@link CommandLine.ExecutionException} for the handler, as exceptions already do.
   */
  static int strategy(ParseResult parsed) {
    try {
      return new CommandLine.RunLast().execute(parsed);
    } catch (Error e) {
      java.util.List<CommandLine> commands = parsed.asCommandLineList();
      throw new CommandLine.ExecutionException(
          commands.get(commands.size() - 1), String.valueOf(e), e);
    }
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    Throwable failure =
        e instanceof CommandLine.ExecutionException && e.getCause() instanceof Error
            ? e.getCause()
            : e;
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(failure));
    if (debug(parsed)) {
      failure.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private boolean debug(ParseResult parsed) {
    if (debugFromEnvironment) {
      return true;
    }
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** The one line for {@code t}. */
  static String describe(Throwable t) {
    if (t instanceof OutOfMemoryError || t instanceof TFResourceExhaustedException) {
      return "out of memory ("
          + message(t)
          + "): choose a smaller model, batch_size or seq_len (grad_accumulation keeps the"
          + " tokens per step), or give Java more heap: PLDR_JAVA_OPTS=-Xmx8g ./pldr ... (the"
          + " heap may grow to "
          + MemoryEstimate.bytes(Runtime.getRuntime().maxMemory())
          + " now)";
    }
    if (t instanceof StackOverflowError) {
      return "stack overflow: give Java a larger stack, PLDR_JAVA_OPTS=-Xss16m ./pldr ...";
    }
    if (t instanceof UncheckedIOException u && u.getCause() instanceof FileSystemException f) {
      return fileProblem(f);
    }
    if (t instanceof FileSystemException f) {
      return fileProblem(f);
    }
    if (t instanceof IllegalArgumentException
        || t instanceof ConfigException
        || t instanceof IOException
        || t instanceof UncheckedIOException
        || t instanceof TrainingDivergedException
        || t instanceof WorkerLostException
        || t instanceof CorpusException) {
      return message(t);
    }
    return "internal error, "
        + t.getClass().getName()
        + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()))
        + " (--debug or PLDR_DEBUG=1 prints where)";
  }

  /**
   * What went wrong with which file: its own {@code FILE: REASON} when it gives a reason (pldr's
   * do), else {@code no such file or folder: runs/x/state.textproto} (the JDK's name only the
   * file).
   */
  private static String fileProblem(FileSystemException f) {
    if (f.getReason() != null) {
      return f.getMessage();
    }
    String what;
    if (f instanceof NoSuchFileException) {
      what = "no such file or folder";
    } else if (f instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (f instanceof FileAlreadyExistsException) {
      what = "already exists";
    } else if (f instanceof DirectoryNotEmptyException) {
      what = "folder not empty";
    } else if (f instanceof NotDirectoryException) {
      what = "not a folder";
    } else {
      what = "cannot access";
    }
    String where = f.getFile() == null ? "" : ": " + f.getFile();
    String other = f.getOtherFile() == null ? "" : " (and " + f.getOtherFile() + ")";
    return what + where + other;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
