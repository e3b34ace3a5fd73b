package io.promeshard.agent.cli;

import io.promeshard.protocol.Version;
import io.promeshard.protocol.cli.ExitCodes;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code prome-shard-agent}; exit 0 ok, 1 runtime failure, 2 usage or config error.
 */
@Command(
    name = "prome-shard-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.VersionProvider.class,
    description =
        "Applies this Prometheus server's share from Consul KV: file_sd and rule files, reload when needed.",
    subcommands = {RunCommand.class, CheckConfigCommand.class, CommandLine.HelpCommand.class})
public final class AgentMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return execute(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /** Runs a command line with the given output streams; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new AgentMain());
    cl.setOut(out);
    cl.setErr(err);
    return ExitCodes.configure(cl).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: run or check");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"prome-shard-agent " + Version.get()};
    }
  }
}
