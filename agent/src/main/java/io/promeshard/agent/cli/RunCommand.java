package io.promeshard.agent.cli;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.Tuning;
import io.promeshard.agent.run.Agent;
import io.promeshard.agent.run.OneShot;
import io.promeshard.protocol.cli.ConfigException;
import io.promeshard.protocol.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prome-shard-agent run}: apply this node's share until stopped, or once. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Watches nodes/<node>/ in Consul KV and applies each complete share: <job>.json in the file_sd dir, "
          + "<group>.yml in the rules dir, <job>.yml and <job>.json in the scrape config dir for jobs with their own "
          + "scrape settings, a debounced Prometheus reload after rule and scrape-config changes, status/<node> in KV.",
      "Registers the local Prometheus as a Consul service; on SIGTERM deregisters it (or, with --drain, "
          + "puts it in maintenance). Never exits on its own: Consul outages are retried and files kept; "
          + "but it refuses to run (exit 2) for a node name another live host has registered."
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions options;

  @Option(
      names = "--once",
      description =
          "Read the current share once (no blocking), apply it, reload if needed and exit: 0 applied, "
              + "1 failed, incomplete or nothing published. No registration.")
  boolean once;

  @Option(
      names = "--dry-run",
      description =
          "Like --once, but only print the files that would be created, updated or removed and whether "
              + "Prometheus would be reloaded; writes nothing (no files, no status, no registration).")
  boolean dryRun;

  @Option(
      names = "--drain",
      description =
          "On SIGTERM put the Consul service in maintenance instead of deregistering it, so the "
              + "coordinator moves this node's targets away at once; files are kept.")
  boolean drain;

  @Override
  public Integer call() throws Exception {
    AgentConfig config = options.resolve();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (once || dryRun) {
      int code = new OneShot(config, out, err).run(dryRun);
      out.flush();
      err.flush();
      return code;
    }
    Agent agent =
        new Agent(
            config, Tuning.defaults(), drain ? Agent.StopMode.DRAIN : Agent.StopMode.DEREGISTER);
    // before start(): a SIGTERM while it runs (registered already, still starting the watch) must
    // still drain or deregister; close() is safe to run during start()
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "agent-shutdown"));
    agent.start();
    agent.awaitStopped();
    if (agent.refusal() != null) {
      throw new ConfigException(agent.refusal());
    }
    return ExitCodes.OK;
  }
}
