package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.dispatch.DispatchMode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plan}: one dry-run dispatch, printed per node. Writes nothing and takes no lock. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Show what a dispatch would change, per node; writes nothing.")
public final class PlanCommand implements Callable<Integer>, Verbosity.Answering {
  @Mixin ConnectionOptions connection;

  @Mixin Verbosity verbosity;

  @Mixin OutputFormat output;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to wait for sources and members (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    return RunCommand.run(
        connection.load().withListen(""), DispatchMode.DRY_RUN, true, timeout, output.format);
  }

  @Override
  public Verbosity verbosity() {
    return verbosity;
  }
}
