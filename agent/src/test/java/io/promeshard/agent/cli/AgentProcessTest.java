package io.promeshard.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.agent.run.AgentFixture;
import io.promeshard.agent.run.SharePublisher;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prome-shard-agent run} as its own process, stopped with SIGTERM like systemd does: the
 * shaded jar when it is at least as new as the compiled classes, else the same main class on the
 * test classpath.
 */
class AgentProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path JAR = Paths.get("target/prome-shard-agent.jar").toAbsolutePath();

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void sigtermDeregistersAndWithDrainLeavesTheServiceInMaintenance() throws Exception {
    int listen = FreePorts.one();
    Path config = dir.resolve("agent.yml");
    Files.writeString(
        config,
        AgentFixture.yaml(
            consul.url(),
            "proc1",
            dir.resolve("file_sd"),
            dir.resolve("rules"),
            "http://127.0.0.1:" + FreePorts.one(),
            "listen: '127.0.0.1:" + listen + "'"));
    new SharePublisher(consul.url())
        .publish(
            "proc1",
            new NodeShare(
                Map.of("web", List.of(TargetGroup.of("10.0.0.1:80", Map.of()))), Map.of()),
            1);

    Process agent = start("first.log", "run", "--config", config.toString());
    Await.until(
        WAIT,
        "web.json written by the agent process",
        () -> Files.exists(dir.resolve("file_sd/web.json")));
    Await.until(WAIT, "proc1 registered", () -> services().has("proc1"));
    Await.until(WAIT, "/healthz answering 200", () -> healthz(listen) == 200);
    agent.destroy();
    assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
    assertEquals(143, agent.exitValue(), log("first.log"));
    assertFalse(services().has("proc1"), "deregistered on SIGTERM\n" + log("first.log"));
    assertTrue(Files.exists(dir.resolve("file_sd/web.json")), "files kept");

    Process draining = start("second.log", "run", "--config", config.toString(), "--drain");
    Await.until(WAIT, "proc1 registered again", () -> services().has("proc1"));
    Await.until(WAIT, "/healthz answering 200", () -> healthz(listen) == 200);
    draining.destroy();
    assertTrue(draining.waitFor(30, TimeUnit.SECONDS));
    assertEquals(143, draining.exitValue(), log("second.log"));
    assertTrue(services().has("proc1"), "still registered");
    JsonNode maintenance = json("/v1/agent/checks").get("_service_maintenance:proc1");
    assertEquals("critical", maintenance.path("Status").asText(), log("second.log"));
  }

  @Test
  void aBadFlagExitsTwoFromTheProcess() throws Exception {
    Process p = start("bad.log", "run", "--bogus");
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    assertTrue(log("bad.log").contains("Unknown option: '--bogus'"), log("bad.log"));
  }

  private Process start(String logName, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1"));
    if (jarIsCurrent()) {
      cmd.addAll(List.of("-jar", JAR.toString()));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
    }
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(logName).toFile())
            .start();
    processes.add(p);
    return p;
  }

  /** The shaded jar exists and no compiled main class is newer than it. */
  private static boolean jarIsCurrent() throws IOException {
    if (!Files.isRegularFile(JAR)) {
      return false;
    }
    FileTime jar = Files.getLastModifiedTime(JAR);
    try (Stream<Path> classes = Files.walk(Paths.get("target/classes"))) {
      return classes
          .filter(Files::isRegularFile)
          .noneMatch(
              p -> {
                try {
                  return Files.getLastModifiedTime(p).compareTo(jar) > 0;
                } catch (IOException e) {
                  return true;
                }
              });
    }
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int healthz(int port) {
    try {
      return AgentFixture.get("http://127.0.0.1:" + port + "/healthz").status();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static JsonNode services() {
    return json("/v1/agent/services");
  }

  private static JsonNode json(String path) {
    try {
      return new ObjectMapper().readTree(AgentFixture.get(consul.url() + path).body());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
