package io.promeshard.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.run.AgentFixture;
import io.promeshard.agent.run.SharePublisher;
import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.LauncherOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as installed (the package launcher's JVM options, {@code -Xmx64m} and {@code
 * -XX:+ExitOnOutOfMemoryError}) on large shares: 50,000 targets apply; a share over what the heap
 * can hold is an error in {@code status/<node>} naming its size and the setting to raise, the
 * process keeps running with the files it had, and a share that fits applies again.
 */
class ShareSizeLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path JAR = Paths.get("target/prome-shard-agent.jar").toAbsolutePath();
  private static final String NODE = "big1";

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;
  private Process agent;

  @AfterEach
  void stop() throws InterruptedException {
    if (agent != null) {
      agent.destroy();
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
    }
  }

  @Test
  void fiftyThousandTargetsApplyUnderThePackagedHeapAndALargerShareIsAnErrorInStatus()
      throws Exception {
    SharePublisher kv = new SharePublisher(consul.url());
    Path webJson = dir.resolve("file_sd/web.json");
    Path config = writeConfig();

    kv.publish(NODE, share(50_000), 1);
    long t0 = System.nanoTime();
    agent = start(config);
    awaitApplied(kv, 1);
    long applyMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(50_000, targetsIn(webJson), log());
    String applied = Checksums.sha256Hex(Files.readAllBytes(webJson));
    System.out.printf(
        "[share-size] 50,000 targets: start -> applied %d ms, VmHWM %d KiB, VmRSS %d KiB%n",
        applyMs, proc("VmHWM:"), proc("VmRSS:"));

    kv.publish(NODE, share(150_000), 2);
    NodeStatus refused =
        Await.value(
            WAIT,
            "status of " + NODE + " reporting the share as too large",
            () -> {
              assertTrue(agent.isAlive(), "agent died instead of refusing\n" + log());
              return kv.status(NODE).filter(s -> !s.lastError().isEmpty()).orElse(null);
            });
    String error = refused.lastError();
    assertTrue(error.contains("share too large for this agent's heap"), error);
    assertTrue(error.matches(".* is \\d+\\.\\d MiB \\(\\d+ bytes\\), over the .*"), error);
    assertTrue(error.contains("JAVA_OPTS=\"-Xmx"), error);
    assertTrue(error.contains("/etc/default/prome-shard-agent"), error);
    assertEquals(1, refused.appliedGeneration(), "generation 1 stays applied");
    assertTrue(agent.isAlive(), log());
    assertEquals(applied, Checksums.sha256Hex(Files.readAllBytes(webJson)), "old file kept");
    System.out.printf("[share-size] 150,000 targets: %s%n", error);

    kv.publish(NODE, share(10), 3);
    awaitApplied(kv, 3);
    assertEquals(10, targetsIn(webJson));
    assertEquals("", kv.status(NODE).orElseThrow().lastError());
    assertTrue(agent.isAlive(), log());
    System.out.printf(
        "[share-size] after all: VmHWM %d KiB, VmRSS %d KiB%n", proc("VmHWM:"), proc("VmRSS:"));
  }

  @Test
  void runOnceRefusesAShareTooLargeForItsHeapWithTheErrorInStatusAndExitsOne() throws Exception {
    SharePublisher kv = new SharePublisher(consul.url());
    Path config = writeConfig();
    kv.publish(NODE, share(150_000), 1);
    agent = start(config, "--once");
    assertTrue(agent.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "run --once still running");
    assertEquals(1, agent.exitValue(), log());
    assertTrue(log().contains("share too large for this agent's heap"), log());
    assertTrue(!log().contains("OutOfMemoryError"), log());
    String error = kv.status(NODE).orElseThrow().lastError();
    assertTrue(error.contains("share too large for this agent's heap"), error);
    assertTrue(Files.notExists(dir.resolve("file_sd/web.json")), "no file written");
  }

  /** An agent.yml for {@code NODE} that never reloads and does not register. */
  private Path writeConfig() throws IOException {
    Path config = dir.resolve("agent.yml");
    Files.writeString(
        config,
        AgentFixture.yaml(
            consul.url(),
            NODE,
            dir.resolve("file_sd"),
            dir.resolve("rules"),
            "http://127.0.0.1:" + FreePorts.one(),
            "reload_on: never",
            "register: false"));
    return config;
  }

  /** {@code count} targets of job web, one per group, with a few repeating labels. */
  private static NodeShare share(int count) {
    List<TargetGroup> groups = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      groups.add(
          TargetGroup.of(
              "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + ":9100",
              Map.of("env", "prod", "rack", "r" + (i % 40), "team", "team-" + (i % 12))));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }

  private void awaitApplied(SharePublisher kv, long generation) {
    Await.until(
        WAIT,
        NODE + " applying generation " + generation,
        () -> {
          assertTrue(agent.isAlive(), "agent died\n" + log());
          Optional<NodeStatus> s = kv.status(NODE);
          return s.isPresent() && s.get().appliedGeneration() == generation;
        });
  }

  private static int targetsIn(Path file) throws IOException {
    return Json.decodeTargetGroups(file.toString(), Files.readAllBytes(file)).stream()
        .mapToInt(g -> g.targets().size())
        .sum();
  }

  private Process start(Path config, String... more) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    List<String> options = LauncherOptions.of("prome-shard-agent");
    assertTrue(options.contains("-Xmx64m"), options.toString());
    assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), options.toString());
    cmd.addAll(options);
    if (jarIsCurrent()) {
      cmd.addAll(List.of("-jar", JAR.toString()));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
    }
    cmd.addAll(List.of("run", "--config", config.toString()));
    cmd.addAll(List.of(more));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.log").toFile())
        .start();
  }

  /** The shaded jar exists and no compiled main class is newer than it. */
  private static boolean jarIsCurrent() throws IOException {
    if (!Files.isRegularFile(JAR)) {
      return false;
    }
    long jar = Files.getLastModifiedTime(JAR).toMillis();
    try (Stream<Path> classes = Files.walk(Paths.get("target/classes"))) {
      return classes.filter(Files::isRegularFile).allMatch(p -> p.toFile().lastModified() <= jar);
    }
  }

  /** A field of /proc/<pid>/status in KiB (Linux). */
  private long proc(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(agent.pid()), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
      }
    }
    throw new AssertionError("/proc/" + agent.pid() + "/status has no " + field);
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("agent.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
