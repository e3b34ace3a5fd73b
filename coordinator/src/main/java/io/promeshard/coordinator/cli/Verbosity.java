package io.promeshard.coordinator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code -v}: how much a command logs on stderr. A command that prints an answer ({@code plan},
 * {@code explain}, {@code status}) logs only warnings and errors, so its standard output is the
 * answer and nothing else; {@code -v} adds INFO, {@code -vv} DEBUG. The service ({@code run}) logs
 * INFO, and DEBUG with {@code -v}. An explicit {@code -Dorg.slf4j.simpleLogger.defaultLogLevel}
 * wins over both.
 */
public final class Verbosity {
  static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  @Option(
      names = {"-v", "--verbose"},
      description = "Log more on stderr (repeat for more: -v, -vv).")
  boolean[] verbose = new boolean[0];

  /** A command whose default log level is WARN: it prints an answer. */
  public interface Answering {
    Verbosity verbosity();
  }

  /** A command whose default log level is INFO: a service. */
  public interface Service {
    Verbosity verbosity();
  }

  /**
   * The slf4j-simple level for a command: {@code null} to keep the logger's own default. Pure, so
   * the mapping is tested without a logger.
   */
  static String level(Object command) {
    if (command instanceof Answering a) {
      int v = a.verbosity().verbose.length;
      return v == 0 ? "warn" : v == 1 ? "info" : "debug";
    }
    if (command instanceof Service s) {
      return s.verbosity().verbose.length == 0 ? null : "debug";
    }
    return null;
  }

  /**
   * Runs the parsed command after setting its log level. slf4j-simple reads the level once, when
   * the first logger is made, and no logger exists before a command runs: so this must stay the
   * first thing the command line does after parsing.
   */
  static int execute(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    String level = level(leaf.commandSpec().userObject());
    if (level != null && System.getProperty(LEVEL_PROPERTY) == null) {
      System.setProperty(LEVEL_PROPERTY, level);
    }
    return new CommandLine.RunLast().execute(parsed);
  }
}
