package io.promeshard.coordinator.cli;

import io.promeshard.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Maps failures to the documented exit codes: 2 for usage and configuration errors (bad flags,
 * invalid config files or values), 1 for runtime failures (Consul unreachable, I/O).
 */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
  public static final int OK = 0;
  public static final int RUNTIME = 1;
  public static final int USAGE = 2;

  public static CommandLine configure(CommandLine cl) {
    return cl.setExecutionExceptionHandler(new ExitCodes())
        .setExitCodeExceptionMapper(ExitCodes::code)
        .setParameterExceptionHandler((ex, args) -> {
          cl.getErr().println(ex.getMessage());
          cl.getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
          return USAGE;
        });
  }

  static int code(Throwable t) {
    if (t instanceof ProtocolException || t instanceof IllegalArgumentException || t instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    return RUNTIME;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException) {
      message = "cannot reach Consul (--consul or consul.address): " + message;
    }
    cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + (t instanceof IOException ? "error: " : "") + message);
    return code(t);
  }
}
