package io.promeshard.coordinator.cli;

import io.promeshard.protocol.Version;
import io.promeshard.protocol.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code prome-shard-coordinator}; exit 0 ok, 1 runtime failure, 2 usage or config
 * error.
 */
@Command(
    name = "prome-shard-coordinator",
    mixinStandardHelpOptions = true,
    versionProvider = CoordinatorMain.VersionProvider.class,
    description =
        "Assigns Prometheus scrape targets and recording rules to healthy servers through Consul KV.",
    subcommands = {
      RunCommand.class,
      PlanCommand.class,
      StatusCommand.class,
      ExplainCommand.class,
      ConfigCommand.class,
      RecordsCommand.class,
      ApproveCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CoordinatorMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return ExitCodes.configure(
            new CommandLine(new CoordinatorMain()).setExecutionStrategy(Verbosity::execute))
        .execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"prome-shard-coordinator " + Version.get()};
    }
  }
}
