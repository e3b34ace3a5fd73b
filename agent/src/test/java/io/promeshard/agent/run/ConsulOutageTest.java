package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Consul going away and coming back (with its -dev state lost) under a running agent. */
class ConsulOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path root;

  @Test
  void consulStoppedKeepsFilesAndTheAgentAliveAndTheNextChangeAfterItsReturnIsApplied()
      throws Exception {
    Path fileSd = root.resolve("file_sd");
    String prometheus = "http://127.0.0.1:" + FreePorts.one();
    try (Agent agent =
        new Agent(
            AgentFixture.config(
                AgentFixture.yaml(
                    consul.url(),
                    "outage-1",
                    fileSd,
                    root.resolve("rules"),
                    prometheus,
                    "register: true")),
            AgentFixture.fastTuning(),
            Agent.StopMode.DEREGISTER)) {
      agent.start();
      String ops = "http://127.0.0.1:" + agent.opsPort();
      SharePublisher kv = new SharePublisher(consul.url());
      kv.publish("outage-1", share("127.0.0.1:1111"), 1);
      Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
      Await.until(WAIT, "service registered", () -> registered("outage-1"));
      byte[] before = Files.readAllBytes(fileSd.resolve("web.json"));

      consul.server().stop();
      AgentFixture.Reply unhealthy =
          Await.value(
              WAIT,
              "/healthz to report consul unreachable",
              () -> {
                AgentFixture.Reply r = get(ops + "/healthz");
                return r.status() == 503 ? r : null;
              });
      assertTrue(
          unhealthy.body().startsWith("unhealthy: consul unreachable for "), unhealthy.body());
      assertTrue(unhealthy.body().contains("files kept (generation 1 applied)"), unhealthy.body());
      assertTrue(agent.isAlive(), "the watch keeps retrying");
      assertArrayEquals(before, Files.readAllBytes(fileSd.resolve("web.json")));
      String metrics = get(ops + "/metrics").body();
      assertEquals(0.0, sample(metrics, "prome_shard_agent_consul_up"));
      assertTrue(sample(metrics, "prome_shard_agent_watch_errors_total") >= 1, metrics);

      consul.server().restart();
      Await.until(
          WAIT,
          "the agent to reach consul again and find no manifest",
          () ->
              agent.consulState().up()
                  && sample(
                          get(ops + "/metrics").body(),
                          "prome_shard_agent_snapshots_total{result=\"no_manifest\"}")
                      >= 2);
      assertArrayEquals(
          before, Files.readAllBytes(fileSd.resolve("web.json")), "an emptied KV removes nothing");
      Await.until(
          WAIT,
          "status/outage-1 written again to the emptied consul",
          () -> kv.status("outage-1").map(s -> s.appliedGeneration() == 1).orElse(false));
      Await.until(
          WAIT,
          "the service registered again in the restarted consul agent",
          () -> registered("outage-1"));
      assertEquals(200, get(ops + "/healthz").status());

      kv.publish("outage-1", share("127.0.0.1:2222"), 2);
      Await.until(WAIT, "generation 2 applied", () -> agent.status().appliedGeneration() == 2);
      assertTrue(Files.readString(fileSd.resolve("web.json")).contains("127.0.0.1:2222"));
      Await.until(
          WAIT,
          "status/outage-1 written to the new consul",
          () -> kv.status("outage-1").map(s -> s.appliedGeneration() == 2).orElse(false));
    }
    Await.until(WAIT, "service deregistered on close", () -> !registered("outage-1"));
  }

  private static boolean registered(String id) {
    try {
      return new ObjectMapper().readTree(get(consul.url() + "/v1/agent/services").body()).has(id);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static NodeShare share(String address) {
    return new NodeShare(Map.of("web", List.of(TargetGroup.of(address, Map.of()))), Map.of());
  }
}
