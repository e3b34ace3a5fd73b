package io.promeshard.protocol.cli;

import io.promeshard.protocol.ProtocolException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import picocli.CommandLine;

/**
 * The exit codes of both command lines and the mapping of failures to them: 0 ok, 2 for usage and
 * configuration errors (bad flags, invalid config files, values, names or templates), 1 for runtime
 * failures (Consul unreachable, I/O). A failure is reported on one line, prefixed by the program
 * name.
 */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
  public static final int OK = 0;
  public static final int RUNTIME = 1;
  public static final int USAGE = 2;

  /** Installs the mapping on a command line; returns it. */
  public static CommandLine configure(CommandLine cl) {
    return cl.setExecutionExceptionHandler(new ExitCodes())
        .setExitCodeExceptionMapper(ExitCodes::code)
        .setParameterExceptionHandler(
            (ex, args) -> {
              cl.getErr().println(ex.getMessage());
              cl.getErr()
                  .println(
                      "Try '"
                          + ex.getCommandLine().getCommandSpec().qualifiedName()
                          + " --help' for more information.");
              cl.getErr().flush();
              return USAGE;
            });
  }

  /** {@link #USAGE} for configuration and usage errors, {@link #RUNTIME} for everything else. */
  public static int code(Throwable t) {
    return isConfigError(t) ? USAGE : RUNTIME;
  }

  /** Bad flags, settings, names or templates: the operator must fix the configuration. */
  public static boolean isConfigError(Throwable t) {
    return t instanceof ConfigException
        || t instanceof ProtocolException
        || t instanceof IllegalArgumentException
        || t instanceof CommandLine.ParameterException;
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable t = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
    int code = code(t);
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof ConnectException || t instanceof UnknownHostException) {
      message = "cannot reach Consul (--consul or consul.address): " + message;
    }
    cl.getErr()
        .println(
            cl.getCommandSpec().root().name() + ": " + (code == USAGE ? "" : "error: ") + message);
    cl.getErr().flush();
    return code;
  }

  private ExitCodes() {}
}
