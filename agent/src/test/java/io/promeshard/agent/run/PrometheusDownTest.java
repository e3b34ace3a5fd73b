package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.PrometheusServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Prometheus down (killed: connection refused) when a change needs a reload: that is no
 * verdict on the rules — nothing is sifted or held back for minutes — the previous rule files stay
 * in place, the agent reports it and retries, and once Prometheus answers again the new rules are
 * loaded without a new generation. With {@code reload_on: always} the reload a target change owes
 * is retried the same way.
 */
class PrometheusDownTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RecordRule UP = new RecordRule("job:up:sum", "sum by (job) (up)");
  private static final RecordRule COUNT = new RecordRule("job:count:sum", "count(up)");

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path root;

  @Test
  void rulesChangedWhilePrometheusIsDownAreNoRejectionAndLoadOnceItAnswersAgain() throws Exception {
    String node = "down-rules";
    try (PrometheusServer prom = prometheus();
        Agent agent = agent(node, prom)) {
      SharePublisher kv = new SharePublisher(consul.url());
      String ops = "http://127.0.0.1:" + agent.opsPort();
      kv.publish(node, new NodeShare(Map.of(), Map.of("heavy", List.of(UP))), 1);
      Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
      assertEquals(Map.of("heavy", List.of("job:up:sum")), AgentFixture.loadedRules(prom));
      String rulesBefore = Files.readString(rules().resolve("heavy.yml"));

      prom.kill();
      Await.until(WAIT, "prometheus gone", () -> !prom.isRunning());
      kv.publish(node, new NodeShare(Map.of(), Map.of("heavy", List.of(UP, COUNT))), 2);
      NodeStatus down =
          Await.value(
              WAIT,
              "status/" + node + " saying Prometheus did not answer",
              () ->
                  kv.status(node)
                      .filter(s -> s.lastError().contains("Prometheus did not answer"))
                      .orElse(null));
      assertEquals(1, down.appliedGeneration(), down.toString());
      assertEquals(List.of(), down.rejectedRules(), "no rule is blamed: " + down);
      assertFalse(down.lastError().contains("rejected"), down.lastError());
      assertEquals(
          rulesBefore,
          Files.readString(rules().resolve("heavy.yml")),
          "the rule files Prometheus last loaded are back in place for its restart");
      AgentFixture.Reply health = get(ops + "/healthz");
      assertEquals(503, health.status(), health.body());
      assertTrue(
          health.body().contains("degraded: Prometheus does not answer the reload"), health.body());
      Await.until(
          WAIT,
          "retries at a short interval",
          () ->
              sample(
                      get(ops + "/metrics").body(),
                      "prome_shard_agent_reloads_total{result=\"unreachable\"}")
                  >= 3);
      String metrics = get(ops + "/metrics").body();
      assertEquals(
          1.0,
          sample(metrics, "prome_shard_agent_apply_stalled{reason=\"prometheus_unreachable\"}"),
          metrics);
      assertEquals(0.0, sample(metrics, "prome_shard_agent_reloads_total{result=\"failed\"}"));

      long back = System.nanoTime();
      prom.start();
      Await.until(
          WAIT,
          "generation 2 applied with no new publish",
          () -> agent.status().appliedGeneration() == 2);
      System.out.printf(
          "[prometheus down] rules loaded %d ms after Prometheus was back%n",
          Duration.ofNanos(System.nanoTime() - back).toMillis());
      assertEquals(
          Map.of("heavy", List.of("job:up:sum", "job:count:sum")), AgentFixture.loadedRules(prom));
      assertEquals(List.of(), agent.status().rejectedRules());
      Await.until(WAIT, "/healthz healthy", () -> get(ops + "/healthz").status() == 200);
      assertEquals(
          0.0,
          sample(
              get(ops + "/metrics").body(),
              "prome_shard_agent_apply_stalled{reason=\"prometheus_unreachable\"}"));
    }
  }

  @Test
  void withReloadOnAlwaysTheReloadATargetChangeOwesIsRetriedUntilPrometheusAnswers()
      throws Exception {
    String node = "down-always";
    try (PrometheusServer prom = prometheus();
        Agent agent = agent(node, prom, "reload_on: always")) {
      SharePublisher kv = new SharePublisher(consul.url());
      String ops = "http://127.0.0.1:" + agent.opsPort();
      kv.publish(node, targets("127.0.0.1:9001"), 1);
      Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
      double reloadsOk = reloads(ops, "ok");

      prom.kill();
      Await.until(WAIT, "prometheus gone", () -> !prom.isRunning());
      kv.publish(node, targets("127.0.0.1:9002"), 2);
      Await.until(
          WAIT,
          "the target file written at once",
          () -> read(fileSd().resolve("web.json")).contains("127.0.0.1:9002"));
      Await.until(WAIT, "a few unanswered reloads", () -> reloads(ops, "unreachable") >= 3);
      // the status is written on its own schedule, a moment after the failed reload is counted
      Await.until(
          WAIT,
          "the failed reload in status/" + node,
          () ->
              kv.status(node)
                  .map(s -> s.lastError().contains("reload after target changes failed"))
                  .orElse(false));
      NodeStatus down = kv.status(node).orElseThrow();
      assertEquals(1, down.appliedGeneration(), "the reload is still owed: " + down);

      prom.start();
      Await.until(
          WAIT, "generation 2 applied, reloaded", () -> agent.status().appliedGeneration() == 2);
      assertEquals(reloadsOk + 1, reloads(ops, "ok"), "the owed reload, once");
      Await.until(WAIT, "/healthz healthy", () -> get(ops + "/healthz").status() == 200);
    }
  }

  private PrometheusServer prometheus() throws IOException {
    Files.createDirectories(fileSd());
    Files.createDirectories(rules());
    return AgentFixture.prometheus(root.resolve("prometheus"), fileSd(), rules());
  }

  private Agent agent(String node, PrometheusServer prom, String... extra) throws IOException {
    return new Agent(
            AgentFixture.config(
                AgentFixture.yaml(consul.url(), node, fileSd(), rules(), prom.url(), extra)),
            OutputFaultsTest.tuning(),
            Agent.StopMode.DEREGISTER)
        .start();
  }

  private static NodeShare targets(String address) {
    return new NodeShare(Map.of("web", List.of(TargetGroup.of(address, Map.of()))), Map.of());
  }

  private static double reloads(String ops, String result) {
    return sample(
        get(ops + "/metrics").body(), "prome_shard_agent_reloads_total{result=\"" + result + "\"}");
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private Path fileSd() {
    return root.resolve("file_sd");
  }

  private Path rules() {
    return root.resolve("rules");
  }
}
