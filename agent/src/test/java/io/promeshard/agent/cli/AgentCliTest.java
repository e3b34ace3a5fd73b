package io.promeshard.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.run.AgentFixture;
import io.promeshard.agent.run.SharePublisher;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prome-shard-agent} command lines: exit codes, messages, {@code check}, {@code --once},
 * {@code --dry-run}.
 */
class AgentCliTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;
  private SharePublisher kv;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    consul.clearKv();
    kv = new SharePublisher(consul.url());
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AgentMain.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path config(String node, String... extra) throws IOException {
    Path f = dir.resolve(node + ".yml");
    Files.writeString(
        f,
        AgentFixture.yaml(
            consul.url(), node, fileSd(), rules(), "http://127.0.0.1:" + FreePorts.one(), extra));
    return f;
  }

  private Path fileSd() {
    return dir.resolve("out/file_sd");
  }

  private Path rules() {
    return dir.resolve("out/rules");
  }

  @Test
  void anUnknownFlagOrMissingCommandIsAUsageError() {
    Result bad = run("run", "--no-such-flag");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("Unknown option: '--no-such-flag'"), bad.err());
    assertEquals(2, run().code());
    assertEquals(2, run("frobnicate").code());
  }

  @Test
  void anUnknownConfigKeyExitsTwoNamingTheKey() throws IOException {
    Path f = dir.resolve("agent.yml");
    Files.writeString(f, "node: p1\nrules_directory: /x\n");
    for (String cmd : List.of("run", "check")) {
      Result r = run(cmd, "--config", f.toString());
      assertEquals(2, r.code(), r.err());
      assertTrue(
          r.err().startsWith("prome-shard-agent: " + f + ": unknown field \"rules_directory\""),
          r.err());
    }
    Result missing = run("check", "--config", dir.resolve("absent.yml").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("absent.yml: no such file"), missing.err());
  }

  @Test
  void aNodeNameThatWouldLeaveTheDirectoryExitsTwoAndWritesNothing() throws IOException {
    Result r = run("run", "--once", "--config", config("p1").toString(), "--node", "../x");
    assertEquals(2, r.code());
    assertEquals(
        "prome-shard-agent: node: invalid name \"../x\" (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127})\n",
        r.err());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void checkAcceptsAGoodConfigAndRejectsBrokenTemplates() throws IOException {
    Result ok = run("check", "--config", config("p1").toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().startsWith("config ok: "), ok.out());
    assertTrue(ok.out().contains("node p1"), ok.out());
    assertTrue(ok.out().contains("samples every 2m"), ok.out());

    Result often = run("check", "--config", config("p1", "samples: {interval: 1s}").toString());
    assertEquals(2, often.code(), often.out());
    assertTrue(
        often.err().contains("samples.interval: expected at least 10s, found 1s"), often.err());

    Path broken = Paths.get("target/test-classes/templates-missing-comma").toAbsolutePath();
    assertTrue(Files.isDirectory(broken), broken.toString());
    Result bad =
        run("check", "--config", config("p1").toString(), "--templates", broken.toString());
    assertEquals(2, bad.code(), bad.out());
    assertTrue(bad.err().startsWith("prome-shard-agent: template "), bad.err());

    Result noFile = run("check", "--node", "p2", "--templates", "");
    assertEquals(0, noFile.code(), "no config file at all: defaults and flags; " + noFile.err());
  }

  @Test
  void helpShowsEveryOptionWithItsDefault() {
    Result help = run("run", "--help");
    assertEquals(0, help.code());
    for (String opt :
        List.of(
            "--config",
            "--node",
            "--consul",
            "--token-file",
            "--prefix",
            "--file-sd-dir",
            "--rules-dir",
            "--templates",
            "--reload-url",
            "--once",
            "--dry-run",
            "--drain")) {
      assertTrue(help.out().contains(opt), opt + " in\n" + help.out());
    }
    assertTrue(help.out().contains("else http://127.0.0.1:8500"), help.out());
    assertTrue(help.out().contains("else /var/lib/prome-shard/file_sd"), help.out());
  }

  @Test
  void dryRunPrintsWhatWouldChangeAndWritesNothing() throws IOException {
    kv.publish(
        "dry",
        new NodeShare(
            Map.of("web", List.of(TargetGroup.of("10.0.0.1:80", Map.of()))),
            Map.of("heavy", List.of(new RecordRule("job:up:sum", "sum(up)")))),
        4);

    Result r = run("run", "--dry-run", "--config", config("dry").toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(
        String.join(
            "\n",
            "node dry: generation 4 (epoch 1)",
            "create " + fileSd().resolve("web.json") + " (1 targets)",
            "create " + rules().resolve("heavy.yml") + " (1 rules)",
            "reload: yes (reload_on rules)",
            "dry run: nothing written",
            ""),
        r.out());
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    assertTrue(kv.status("dry").isEmpty(), "no status written");
  }

  @Test
  void onceAppliesTheCurrentShareWritesStatusAndExitsZero() throws IOException {
    kv.publish(
        "once",
        new NodeShare(Map.of("web", List.of(TargetGroup.of("10.0.0.1:80", Map.of()))), Map.of()),
        5);

    Result r = run("run", "--once", "--config", config("once").toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("create " + fileSd().resolve("web.json") + " (1 targets)"), r.out());
    assertTrue(r.out().contains("reload: none"), r.out());
    assertTrue(Files.readString(fileSd().resolve("web.json")).contains("10.0.0.1:80"));
    NodeStatus status = kv.status("once").orElseThrow();
    assertEquals(5, status.appliedGeneration());
    assertEquals("", status.lastError());

    Result again = run("run", "--once", "--config", config("once").toString());
    assertEquals(0, again.code());
    assertTrue(again.out().contains("no changes"), again.out());
  }

  @Test
  void onceExitsOneWhenNothingIsPublishedTheShareIsIncompleteOrTheReloadFails() throws IOException {
    Result nothing = run("run", "--once", "--config", config("n1").toString());
    assertEquals(1, nothing.code());
    assertTrue(nothing.err().contains("no manifest under prome-shard/nodes/n1/"), nothing.err());

    kv.publish(
        "n1",
        new NodeShare(Map.of("web", List.of(TargetGroup.of("10.0.0.1:80", Map.of()))), Map.of()),
        1);
    kv.writeParts(
        "n1",
        new NodeShare(Map.of("web", List.of(TargetGroup.of("10.0.0.2:80", Map.of()))), Map.of()));
    Result incomplete = run("run", "--once", "--config", config("n1").toString());
    assertEquals(1, incomplete.code());
    assertTrue(
        incomplete.err().contains("generation 1 is incomplete: targets/web checksum differs"),
        incomplete.err());
    assertFalse(Files.exists(fileSd().resolve("web.json")));

    kv.publish(
        "n1",
        new NodeShare(Map.of(), Map.of("heavy", List.of(new RecordRule("job:up:sum", "sum(up)")))),
        2);
    Result reload = run("run", "--once", "--config", config("n1").toString());
    assertEquals(1, reload.code(), reload.out());
    assertTrue(
        reload.err().contains("reload after rule changes failed: Prometheus did not answer: POST "),
        reload.err());
    assertFalse(Files.exists(rules().resolve("heavy.yml")), "the new rule file is rolled back");
    assertTrue(
        kv.status("n1").orElseThrow().lastError().startsWith("reload after rule changes failed"));
  }

  @Test
  void onceExitsOneWhenConsulIsUnreachable() throws IOException {
    Result r =
        run(
            "run",
            "--once",
            "--config",
            config("u1").toString(),
            "--consul",
            "http://127.0.0.1:" + FreePorts.one());
    assertEquals(1, r.code());
    assertTrue(
        r.err().startsWith("cannot read prome-shard/nodes/u1/ from http://127.0.0.1:"), r.err());
  }
}
