package io.pldr.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
      ServeCommand.class,
      GCacheCommand.class,
      ConvertCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      TokenizeCommand.class,
      DeductiveReportCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PldrCli {
  private static final String JAVACPP_PHYSICAL_LIMIT = "org.bytedeco.javacpp.maxPhysicalBytes";

  @Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "On an error, print its stack trace too, not just the one line (the environment variable"
              + " PLDR_DEBUG=1 does the same).")
  boolean debug;

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

  /**
   * Runs the tool; returns the exit status (0 success, 1 failure, 2 bad usage). A failure prints
   * one line, its stack trace only with {@code --debug} or {@code PLDR_DEBUG=1} ({@link
   * ErrorReport}).
   */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The tool's command tree with its error handling, as {@link #run} executes it. */
  static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** As {@link #commandLine()}, {@code PLDR_DEBUG} read from {@code env}. */
  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new PldrCli());
    cli.setExecutionStrategy(ErrorReport::strategy);
    cli.setExecutionExceptionHandler(new ErrorReport(env));
    forEachCommand(cli, c -> c.getCommandSpec().versionProvider(new Version()));
    ParagraphDescription.install(cli);
    CommandLine.IParameterExceptionHandler standard = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler(
        (e, args) -> standard.handleParseException(unmatchedFirst(e), args));
    return cli;
  }

  /** Applies {@code action} to {@code cli} and every command under it. */
  static void forEachCommand(CommandLine cli, Consumer<CommandLine> action) {
    action.accept(cli);
    cli.getSubcommands().values().forEach(sub -> forEachCommand(sub, action));
  }

  /**
   * A misspelt or unknown option is the error to report (with picocli's suggestions), not the
   * required option it left missing: {@code train --confg x} names {@code --confg}.
   */
  private static CommandLine.ParameterException unmatchedFirst(CommandLine.ParameterException e) {
    CommandLine cmd = e.getCommandLine();
    List<String> unmatched = cmd == null ? List.of() : cmd.getUnmatchedArguments();
    if (e instanceof CommandLine.UnmatchedArgumentException || unmatched.isEmpty()) {
      return e;
    }
    return new CommandLine.UnmatchedArgumentException(cmd, unmatched);
  }

  /**
   * The version, and the commit and time the tool was built from, as the build wrote them into
   * {@code version.properties}: {@code pldr 0.1.0-SNAPSHOT (commit abc1234, built
   * 2026-11-29T14:03:11Z)}.
   */
  static final class Version implements CommandLine.IVersionProvider {
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = PldrCli.class.getResourceAsStream(RESOURCE)) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {describe(p)};
    }

    /**
     * The version line from the build's properties ({@code version}, {@code commit}, {@code dirty},
     * {@code built}); a value the build could not fill in (no git: {@code ${...}} left as is) is
     * unknown.
     */
    static String describe(Properties p) {
      String version = value(p, "version").orElse("(development build)");
      String commit =
          value(p, "commit")
              .map(
                  c ->
                      "commit "
                          + c
                          + (value(p, "dirty").orElse("").equals("true")
                              ? " with uncommitted changes"
                              : ""))
              .orElse("commit unknown");
      String built = value(p, "built").map(b -> ", built " + b).orElse("");
      return "pldr " + version + " (" + commit + built + ")";
    }

    private static Optional<String> value(Properties p, String key) {
      String v = p.getProperty(key, "").strip();
      return v.isEmpty() || v.contains("${") ? Optional.empty() : Optional.of(v);
    }
  }
}
