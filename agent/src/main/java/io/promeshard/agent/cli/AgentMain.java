package io.promeshard.agent.cli;

import io.promeshard.protocol.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code prome-shard-agent}; exit 0 ok, 1 runtime failure, 2 usage or config error. */
@Command(
    name = "prome-shard-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.VersionProvider.class,
    description = "Applies this Prometheus server's share from Consul KV: file_sd and rule files, reload when needed.",
    subcommands = {CommandLine.HelpCommand.class})
public final class AgentMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return new CommandLine(new AgentMain()).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"prome-shard-agent " + Version.get()};
    }
  }
}
