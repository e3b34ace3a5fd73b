package io.promeshard.bench.fleet;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.AgentConfigFile;
import io.promeshard.agent.config.Overrides;
import io.promeshard.agent.config.Tuning;
import io.promeshard.agent.run.Agent;
import io.promeshard.testkit.FreePorts;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * In-process agents, each with its own file_sd and rules directories under {@code root/<node>/},
 * default timings ({@link Tuning#defaults()}), no Prometheus: no service registration, no reload,
 * no ops server. Start failures throw UncheckedIOException; closing stops every agent (files are
 * kept).
 */
public final class AgentFleet implements Closeable {
  private final List<Agent> agents = new ArrayList<>();
  private final List<String> nodes;
  private final Path root;

  private AgentFleet(List<String> nodes, Path root) {
    this.nodes = List.copyOf(nodes);
    this.root = root;
  }

  public static AgentFleet start(String consulUrl, String prefix, List<String> nodes, Path root) {
    AgentFleet fleet = new AgentFleet(nodes, root);
    try {
      for (String node : nodes) {
        fleet.agents.add(
            new Agent(
                    config(consulUrl, prefix, node, root),
                    Tuning.defaults(),
                    Agent.StopMode.DEREGISTER)
                .start());
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e instanceof IOException io
          ? new UncheckedIOException("starting agents", io)
          : (RuntimeException) e;
    }
    return fleet;
  }

  /** The YAML an agent without Prometheus runs with. */
  public static String yaml(
      String consulUrl, String prefix, String node, Path fileSdDir, Path rulesDir, String listen) {
    return String.join(
            "\n",
            "consul: {address: '" + consulUrl + "'}",
            "prefix: '" + prefix + "'",
            "node: " + node,
            "file_sd_dir: '" + fileSdDir + "'",
            "rules_dir: '" + rulesDir + "'",
            "reload_on: never",
            "register: false",
            "listen: '" + listen + "'")
        + "\n";
  }

  /**
   * Writes {@code dir/agent.yml} for an agent subprocess of {@code node} (rules in {@code
   * dir/rules}), serving /metrics and /healthz on a free loopback port as in production.
   */
  public static Path writeConfig(
      String consulUrl, String prefix, String node, Path dir, Path fileSd) {
    try {
      Files.createDirectories(dir);
      Path yml = dir.resolve("agent.yml");
      Files.writeString(
          yml,
          yaml(
              consulUrl,
              prefix,
              node,
              fileSd,
              dir.resolve("rules"),
              "127.0.0.1:" + FreePorts.one()));
      return yml;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the agent config in " + dir, e);
    }
  }

  private static AgentConfig config(String consulUrl, String prefix, String node, Path root) {
    String yaml =
        yaml(
            consulUrl,
            prefix,
            node,
            root.resolve(node).resolve("file_sd"),
            root.resolve(node).resolve("rules"),
            "");
    return AgentConfig.resolve(
        AgentConfigFile.parse("bench agent " + node, yaml), Overrides.NONE, () -> node);
  }

  public List<String> nodes() {
    return nodes;
  }

  public Path fileSdDir(String node) {
    return root.resolve(node).resolve("file_sd");
  }

  /** {@code <file_sd_dir>/<job>.json} of every agent, in node order. */
  public List<Path> jobFiles(String job) {
    return nodes.stream().map(n -> fileSdDir(n).resolve(job + ".json")).toList();
  }

  public List<Path> fileSdDirs() {
    return nodes.stream().map(this::fileSdDir).toList();
  }

  @Override
  public void close() {
    agents.forEach(Agent::close);
  }
}
