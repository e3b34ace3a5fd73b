package io.promeshard.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.cli.ConfigException;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulClientAgent;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts, one node name: two real Consul nodes (a dev server and a client agent joined to it),
 * an agent on each with the same {@code node}. The second refuses to run; the first keeps its
 * registration.
 */
class NodeNameClaimTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir static Path root;
  private static ConsulClientAgent hostB;
  private final List<Agent> agents = new ArrayList<>();

  @BeforeAll
  static void startSecondHost() {
    hostB =
        ConsulClientAgent.start(
            ConsulExtension.logDir(NodeNameClaimTest.class).resolve("host-b"),
            consul.server(),
            "host-b");
  }

  @AfterAll
  static void stopSecondHost() {
    hostB.close();
  }

  @AfterEach
  void stopAgents() {
    agents.forEach(Agent::close);
  }

  private Agent agent(String consulUrl, String node, String dir) {
    Agent agent =
        new Agent(
            AgentFixture.config(
                AgentFixture.yaml(
                    consulUrl,
                    node,
                    root.resolve(dir).resolve("file_sd"),
                    root.resolve(dir).resolve("rules"),
                    "http://127.0.0.1:" + FreePorts.one())),
            AgentFixture.fastTuning(),
            Agent.StopMode.DEREGISTER);
    agents.add(agent);
    return agent;
  }

  private static JsonNode get(String url) {
    try {
      return JSON.readTree(AgentFixture.get(url).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aSecondHostWithTheSameNodeNameRefusesToRunAndTheFirstKeepsRunning() throws Exception {
    Agent first = agent(consul.url(), "twin-1", "a").start();
    Await.until(
        WAIT,
        "twin-1 registered on the server's Consul node",
        () -> get(consul.url() + "/v1/catalog/service/prome-shard-node").size() == 1);

    Agent second = agent(hostB.url(), "twin-1", "b");
    ConfigException refused = assertThrows(ConfigException.class, second::start);
    System.out.println("[claim] second agent: " + refused.getMessage());
    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "node name twin-1 is already registered as service prome-shard-node by another"
                    + " live host: Consul node "
                    + consul.server().nodeName()
                    + " (address 127.0.0.1, Prometheus 127.0.0.1:"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("(this host is Consul node host-b)"));
    assertTrue(refused.getMessage().endsWith("(node in agent.yml, or --node)."));
    assertEquals(second.refusal(), refused.getMessage());
    assertFalse(get(hostB.url() + "/v1/agent/services").has("twin-1"), "nothing registered");

    assertTrue(first.isAlive(), "the first agent keeps running");
    JsonNode instances = get(consul.url() + "/v1/catalog/service/prome-shard-node");
    assertEquals(1, instances.size());
    assertEquals(consul.server().nodeName(), instances.get(0).path("Node").asText());

    first.close(); // deregisters: the name is free again
    Agent third = agent(hostB.url(), "twin-1", "c").start();
    assertEquals(null, third.refusal());
    Await.until(
        WAIT,
        "twin-1 registered on host-b now",
        () -> get(hostB.url() + "/v1/agent/services").has("twin-1"));
  }

  @Test
  void anAgentThatFindsItsNameTakenOnlyOnceConsulAnswersAppliesNothingAndStops() throws Exception {
    Agent first = agent(consul.url(), "twin-2", "d").start();
    Await.until(
        WAIT,
        "twin-2 registered on the server's Consul node",
        () -> get(consul.url() + "/v1/agent/services").has("twin-2"));
    new SharePublisher(consul.url())
        .publish(
            "twin-2",
            new NodeShare(
                Map.of("web", List.of(TargetGroup.of("127.0.0.1:7007", Map.of()))), Map.of()),
            1);
    Await.until(WAIT, "the first agent applied its share", () -> applied(first) == 1);

    hostB.stop(); // this host's Consul agent is down when its prome-shard agent starts
    Agent second = agent(hostB.url(), "twin-2", "e").start();
    assertEquals(null, second.refusal(), "nothing known yet");
    hostB.restart();
    Await.until(WAIT, "the second agent to refuse and stop", () -> !second.isAlive());
    assertTrue(
        second.refusal().startsWith("node name twin-2 is already registered"), second.refusal());
    assertEquals(0, applied(second), "the share was held, never applied");
    Path fileSd = root.resolve("e").resolve("file_sd");
    try (Stream<Path> files = Files.exists(fileSd) ? Files.list(fileSd) : Stream.empty()) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".json")).toList());
    }
    assertFalse(get(hostB.url() + "/v1/agent/services").has("twin-2"), "nothing registered");
    assertTrue(first.isAlive());
    assertEquals(1, applied(first));
  }

  private static long applied(Agent agent) {
    return agent.status() == null ? -1 : agent.status().appliedGeneration();
  }
}
