package io.pldr.cli;

import io.pldr.api.config.ConfigException;
import io.pldr.train.data.CorpusException;
import io.pldr.train.loop.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pldr} command-line tool: {@code ./pldr COMMAND}, {@code ./pldr --help}. */
@Command(
    name = "pldr",
    mixinStandardHelpOptions = true,
    versionProvider = PldrCli.Version.class,
    description = "Train, run, evaluate and extend PLDR-LLMs (Power Law Decoder Representations).",
    subcommands = {
      ReferenceRunCommand.class,
      OperatorsCommand.class,
      TrainCommand.class,
      AblateCommand.class,
      GenerateCommand.class,
      GCacheCommand.class,
      ConvertCommand.class,
      DeductiveReportCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PldrCli {
  private static final String JAVACPP_PHYSICAL_LIMIT = "org.bytedeco.javacpp.maxPhysicalBytes";

  /** Runs the tool and exits with its status. */
  public static void main(String[] args) {
    // Every native tensor pldr makes is closed explicitly, so JavaCPP's safety net (reading the
    // process's resident size at each native allocation, to trigger a GC past a limit) only
    // costs time: about a tenth of a small model's decoding step. A value given wins.
    if (System.getProperty(JAVACPP_PHYSICAL_LIMIT) == null) {
      System.setProperty(JAVACPP_PHYSICAL_LIMIT, "0");
    }
    System.exit(run(args));
  }

  /** Runs the tool; returns the exit status (0 success, 1 failure, 2 bad usage). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new PldrCli());
    cli.setExecutionExceptionHandler(PldrCli::report);
    return cli.execute(args);
  }

  /** Expected failures (bad input, bad files) print one clear line, not a stack trace. */
  private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof IllegalArgumentException
        || e instanceof ConfigException
        || e instanceof IOException
        || e instanceof UncheckedIOException
        || e instanceof TrainingDivergedException
        || e instanceof CorpusException) {
      err.println("pldr " + cmd.getCommandName() + ": error: " + e.getMessage());
      err.flush();
      return 1;
    }
    throw new IllegalStateException(e);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = PldrCli.class.getPackage().getImplementationVersion();
      return new String[] {"pldr " + (v == null ? "(development build)" : v)};
    }
  }
}
