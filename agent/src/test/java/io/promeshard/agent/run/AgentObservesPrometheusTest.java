package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.ScrapeTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent reports in {@code status/<node>} what its Prometheus (a real one, scraping every
 * second, with a relabel rule that drops targets labelled {@code drop: "yes"}) has not done yet:
 * new targets until scraped, groups that gained records until evaluated. Every status read is
 * checked against the truth: a target the status no longer names has been scraped, a group it no
 * longer names has evaluated its new record.
 */
class AgentObservesPrometheusTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path root;
  private PrometheusServer prom;
  private SharePublisher kv;
  private Agent agent;

  @BeforeEach
  void startPrometheus() throws IOException {
    kv = new SharePublisher(consul.url());
    Files.createDirectories(fileSd());
    Files.createDirectories(rules());
    prom =
        PrometheusServer.start(
            root.resolve("prometheus"),
            String.join(
                "\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: ['" + rules() + "/*.yml']",
                "scrape_configs:",
                "  - job_name: fsd",
                "    file_sd_configs: [{files: ['" + fileSd() + "/*.json'], refresh_interval: 1s}]",
                "    relabel_configs:",
                "      - {source_labels: [drop], regex: 'yes', action: drop}",
                ""));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (prom != null) {
      prom.stop();
    }
  }

  @Test
  void newTargetsAreReportedUnscrapedUntilPrometheusScrapedThemAndDroppedOnesDoNotWait()
      throws Exception {
    try (ScrapeTargets targets = ScrapeTargets.start(8)) {
      List<String> a = targets.addresses();
      String dropped = a.get(4);
      start("obs-targets");
      List<TargetGroup> first = new ArrayList<>();
      a.subList(0, 4).forEach(t -> first.add(TargetGroup.of(t, Map.of())));
      first.add(TargetGroup.of(dropped, Map.of("drop", "yes")));
      kv.publish("obs-targets", new NodeShare(Map.of("web", first), Map.of()), 1);

      NodeStatus applied = untilNothingPending("obs-targets", 1, scrapedUnlessNamed(targets));
      assertEquals(names("web", a.subList(0, 5)), Set.copyOf(applied.observed().unscraped()));
      assertEquals(0, targets.scrapes(dropped), "dropped by relabeling, yet not waited for");

      List<TargetGroup> second = new ArrayList<>(first);
      a.subList(5, 8).forEach(t -> second.add(TargetGroup.of(t, Map.of())));
      kv.publish("obs-targets", new NodeShare(Map.of("web", second), Map.of()), 2);
      applied = untilNothingPending("obs-targets", 2, scrapedUnlessNamed(targets));
      assertEquals(
          names("web", a.subList(5, 8)),
          Set.copyOf(applied.observed().unscraped()),
          "only the added targets await a scrape");
      String metrics = get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body();
      assertEquals(0.0, sample(metrics, "prome_shard_agent_targets_unscraped"));
      assertEquals(0.0, sample(metrics, "prome_shard_agent_observe_errors_total"));
    }
  }

  @Test
  void aGroupThatGainedARecordIsReportedUnevaluatedUntilPrometheusEvaluatedIt() throws Exception {
    start("obs-rules");
    RecordRule up = new RecordRule("obs:up:sum", "sum(up)");
    RecordRule count = new RecordRule("obs:up:count", "count(up)");
    kv.publish("obs-rules", rules(up), 1);
    NodeStatus applied = untilNothingPending("obs-rules", 1, evaluatedUnlessNamed("g", up));
    assertEquals(List.of("g"), applied.observed().unevaluated(), "the first load counts as new");

    kv.publish("obs-rules", rules(up, count), 2);
    applied = untilNothingPending("obs-rules", 2, evaluatedUnlessNamed("g", count));
    assertEquals(List.of("g"), applied.observed().unevaluated());

    kv.publish("obs-rules", rules(count), 3);
    applied = untilNothingPending("obs-rules", 3, s -> {});
    assertEquals(
        NodeStatus.Observed.NOTHING_PENDING, applied.observed(), "losing a record adds no wait");
  }

  @Test
  void moreTargetsThanAStatusNamesAreCountedAndTheCoordinatorCanTellTheListIsIncomplete()
      throws Exception {
    int n = NodeStatus.Observed.LISTED + 5;
    List<TargetGroup> many = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // nothing listens there: a refused connection is a scrape too (up == 0)
      many.add(TargetGroup.of("127.0.0.3:" + (20000 + i), Map.of()));
    }
    start("obs-many");
    kv.publish("obs-many", new NodeShare(Map.of("many", many), Map.of()), 1);
    NodeStatus applied = untilNothingPending("obs-many", 1, s -> {});
    assertEquals(n, applied.observed().unscrapedCount());
    assertEquals(NodeStatus.Observed.LISTED, applied.observed().unscraped().size());
    assertFalse(applied.observed().complete());
  }

  /** Group g of {@code records}, evaluated every second. */
  private static NodeShare rules(RecordRule... records) {
    return new NodeShare(
        Map.of(), Map.of("g", List.of(records)), Map.of("g", Duration.ofSeconds(1)));
  }

  /**
   * Reads {@code status/<node>} until it reports {@code generation} applied with nothing pending,
   * checking each status read with {@code check}; returns the first status that reported the
   * generation.
   */
  private NodeStatus untilNothingPending(String node, long generation, Consumer<NodeStatus> check) {
    NodeStatus[] first = new NodeStatus[1];
    long[] firstNanos = new long[1];
    Await.until(
        WAIT,
        node + ": generation " + generation + " applied, nothing pending",
        () -> {
          NodeStatus s = kv.status(node).orElse(null);
          if (s == null || s.appliedGeneration() < generation) {
            return false;
          }
          assertNotNull(s.observed(), "an agent that observes says so");
          check.accept(s);
          if (first[0] == null) {
            first[0] = s;
            firstNanos[0] = System.nanoTime();
          }
          return s.observed().equals(NodeStatus.Observed.NOTHING_PENDING);
        });
    System.out.printf(
        "%s: generation %d: %d targets unscraped, groups %s unevaluated, for %d ms after it was"
            + " first reported applied%n",
        node,
        generation,
        first[0].observed().unscrapedCount(),
        first[0].observed().unevaluated(),
        Duration.ofNanos(System.nanoTime() - firstNanos[0]).toMillis());
    return first[0];
  }

  /** A status that does not name a target has it scraped (read after the status). */
  private Consumer<NodeStatus> scrapedUnlessNamed(ScrapeTargets targets) {
    return s -> {
      assertTrue(s.observed().complete(), "few targets: all named");
      for (String address : targets.addresses()) {
        String name = "web/" + address;
        if (!s.observed().unscraped().contains(name) && inFile(address)) {
          assertTrue(
              targets.scrapes(address) > 0 || droppedByPrometheus(address),
              name + " reported scraped before any scrape: " + s.observed());
        }
      }
    };
  }

  /** A status that does not name {@code group} has {@code record} evaluated. */
  private Consumer<NodeStatus> evaluatedUnlessNamed(String group, RecordRule record) {
    return s -> {
      if (!s.observed().unevaluated().contains(group)) {
        String last = lastEvaluation(group, record.record());
        assertTrue(
            last != null && !last.startsWith("0001-"),
            group + "/" + record.record() + " reported evaluated, Prometheus says " + last);
      }
    };
  }

  private String lastEvaluation(String group, String record) {
    JsonNode root = json(prom.get("/api/v1/rules?type=record"));
    for (JsonNode g : root.at("/data/groups")) {
      if (g.path("name").asText().equals(group)) {
        for (JsonNode r : g.path("rules")) {
          if (r.path("name").asText().equals(record)) {
            return r.path("lastEvaluation").asText();
          }
        }
      }
    }
    return null;
  }

  private boolean inFile(String address) {
    try {
      Path web = fileSd().resolve("web.json");
      return Files.exists(web) && Files.readString(web).contains("\"" + address + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean droppedByPrometheus(String address) {
    for (JsonNode t : json(prom.get("/api/v1/targets?state=dropped")).at("/data/droppedTargets")) {
      if (t.at("/discoveredLabels/__address__").asText().equals(address)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> names(String job, List<String> addresses) {
    Set<String> out = new TreeSet<>();
    addresses.forEach(a -> out.add(job + "/" + a));
    return out;
  }

  private static JsonNode json(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void start(String node) throws IOException {
    agent =
        new Agent(
            AgentFixture.config(
                AgentFixture.yaml(
                    consul.url(), node, fileSd(), rules(), prom.url(), "register: false")),
            AgentFixture.fastTuning(),
            Agent.StopMode.DEREGISTER);
    agent.start();
  }

  private Path fileSd() {
    return root.resolve("file_sd");
  }

  private Path rules() {
    return root.resolve("rules");
  }
}
