package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.config.Tuning;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output directory the agent cannot write (read-only, full): old files stay whole, no temp file
 * is left, status, metrics and /healthz say so, and once the directory is writable again the files
 * follow the share that was published meanwhile, with no new generation.
 */
class OutputFaultsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RecordRule UP = new RecordRule("job:up:sum", "sum by (job) (up)");
  private static final RecordRule COUNT = new RecordRule("job:count:sum", "count(up)");

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path root;

  /** Retries within a second or two, so the recovery shows quickly. */
  static Tuning tuning() {
    return AgentFixture.fastTuning().withOutputRetry(Duration.ofMillis(200), Duration.ofSeconds(2));
  }

  @Test
  void readOnlyFileSdDirKeepsOldFilesReportsItAndConvergesWithoutANewGeneration() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(root.resolve("file_sd"), "1m")) {
      fault("readonly-1", fs, fs::readOnly, fs::writable, "Read-only file system");
    }
  }

  @Test
  void fullFileSdDirKeepsOldFilesLeavesNoTempFileAndConvergesOnceThereIsRoom() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(root.resolve("file_sd"), "256k")) {
      fault("full-1", fs, fs::fill, fs::unfill, "No space left on device");
    }
  }

  @Test
  void readOnlyRulesDirIsNoRuleRejectionAndTheRulesLoadOnceItIsWritable() throws Exception {
    String node = "readonly-rules";
    Path fileSd = Files.createDirectories(root.resolve("file_sd"));
    try (Tmpfs fs = Tmpfs.mount(root.resolve("rules"), "1m");
        PrometheusServer prom =
            AgentFixture.prometheus(root.resolve("prometheus"), fileSd, fs.dir());
        Agent agent =
            new Agent(
                    AgentFixture.config(
                        AgentFixture.yaml(consul.url(), node, fileSd, fs.dir(), prom.url())),
                    tuning(),
                    Agent.StopMode.DEREGISTER)
                .start()) {
      SharePublisher kv = new SharePublisher(consul.url());
      String ops = "http://127.0.0.1:" + agent.opsPort();
      kv.publish(node, new NodeShare(Map.of(), Map.of("heavy", List.of(UP))), 1);
      Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
      byte[] before = Files.readAllBytes(fs.dir().resolve("heavy.yml"));

      fs.readOnly();
      kv.publish(node, new NodeShare(Map.of(), Map.of("heavy", List.of(UP, COUNT))), 2);
      NodeStatus failing =
          Await.value(
              WAIT,
              "status/" + node + " naming rules_dir and the error",
              () ->
                  kv.status(node)
                      .filter(s -> s.lastError().contains("rules_dir " + fs.dir()))
                      .filter(s -> s.lastError().contains("Read-only file system"))
                      .orElse(null));
      assertEquals(1, failing.appliedGeneration(), failing.toString());
      assertEquals(List.of(), failing.rejectedRules(), "no rule is blamed: " + failing);
      awaitUnwritableRetries(ops);
      assertArrayEquals(before, Files.readAllBytes(fs.dir().resolve("heavy.yml")));
      assertEquals(
          0.0,
          sample(
              get(ops + "/metrics").body(), "prome_shard_agent_reloads_total{result=\"failed\"}"),
          "nothing was sent to Prometheus to be rejected");

      fs.writable();
      Await.until(
          WAIT,
          "generation 2 applied with no new publish",
          () -> agent.status().appliedGeneration() == 2);
      assertEquals(
          Map.of("heavy", List.of("job:up:sum", "job:count:sum")), AgentFixture.loadedRules(prom));
      assertEquals(List.of(), agent.status().rejectedRules());
    }
  }

  /** Generation 1 applied, {@code start} the fault, generation 2 published, {@code end} it. */
  private void fault(String node, Tmpfs fs, Runnable start, Runnable end, String error)
      throws Exception {
    Path fileSd = fs.dir();
    SharePublisher kv = new SharePublisher(consul.url());
    try (Agent agent =
        new Agent(
            AgentFixture.config(
                AgentFixture.yaml(
                    consul.url(),
                    node,
                    fileSd,
                    root.resolve("rules"),
                    "http://127.0.0.1:" + FreePorts.one())),
            tuning(),
            Agent.StopMode.DEREGISTER)) {
      agent.start();
      String ops = "http://127.0.0.1:" + agent.opsPort();
      kv.publish(node, share(0, 50), 1);
      Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
      byte[] before = Files.readAllBytes(fileSd.resolve("web.json"));
      Set<String> filesBefore = names(fileSd);

      start.run();
      kv.publish(node, share(50, 2000), 2); // ~100 KB: more than a full tmpfs takes
      NodeStatus failing =
          Await.value(
              WAIT,
              "status/" + node + " naming the directory and the error",
              () ->
                  kv.status(node)
                      .filter(s -> s.lastError().contains(fileSd.toString()))
                      .filter(s -> s.lastError().contains(error))
                      .orElse(null));
      assertEquals(1, failing.appliedGeneration(), "the old generation is what is in place");
      AgentFixture.Reply health =
          Await.value(
              WAIT,
              "/healthz degraded",
              () -> {
                AgentFixture.Reply r = get(ops + "/healthz");
                return r.status() == 503 ? r : null;
              });
      assertTrue(health.body().contains("degraded: cannot write output files"), health.body());
      assertTrue(health.body().contains(fileSd.toString()), health.body());
      assertTrue(health.body().contains("generation 1 applied"), health.body());
      String metrics = get(ops + "/metrics").body();
      assertEquals(
          1.0,
          sample(metrics, "prome_shard_agent_apply_stalled{reason=\"output_unwritable\"}"),
          metrics);
      awaitUnwritableRetries(ops);
      assertArrayEquals(
          before, Files.readAllBytes(fileSd.resolve("web.json")), "the old file is whole");
      Set<String> during = names(fileSd);
      during.remove(Tmpfs.fillerName());
      assertEquals(filesBefore, during, "no temp file left behind");

      long fixed = System.nanoTime();
      end.run();
      Await.until(
          WAIT,
          "generation 2 applied with no new publish",
          () -> agent.status().appliedGeneration() == 2);
      System.out.printf(
          "[output fault] %s: converged %d ms after the directory was writable again%n",
          error, Duration.ofNanos(System.nanoTime() - fixed).toMillis());
      assertTrue(Files.readString(fileSd.resolve("web.json")).contains("127.0.0.1:2049"));
      assertEquals(filesBefore, names(fileSd), "only the output files, no temp file");
      Await.until(WAIT, "/healthz healthy", () -> get(ops + "/healthz").status() == 200);
      assertEquals(
          0.0,
          sample(
              get(ops + "/metrics").body(),
              "prome_shard_agent_apply_stalled{reason=\"output_unwritable\"}"));
      Await.until(
          WAIT,
          "status without error",
          () ->
              kv.status(node)
                  .filter(s -> s.appliedGeneration() == 2 && s.lastError().isEmpty())
                  .isPresent());
    }
  }

  /** Job web with {@code count} targets 127.0.0.1:(from..from+count-1). */
  /** Waits until the agent at {@code ops} has failed to write its output a few times. */
  private static void awaitUnwritableRetries(String ops) {
    Await.until(
        WAIT,
        "a few retries",
        () ->
            sample(
                    get(ops + "/metrics").body(),
                    "prome_shard_agent_apply_failures_total{reason=\"output_unwritable\"}")
                >= 3);
  }

  static NodeShare share(int from, int count) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      groups.add(TargetGroup.of("127.0.0.1:" + i, Map.of("n", Integer.toString(i))));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }

  static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      Set<String> out = new TreeSet<>();
      s.forEach(p -> out.add(p.getFileName().toString()));
      return out;
    }
  }
}
