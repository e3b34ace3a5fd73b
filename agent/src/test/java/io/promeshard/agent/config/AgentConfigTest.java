package io.promeshard.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.apply.OutputConfig;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.ConsulConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  @TempDir Path dir;

  private static AgentConfig resolve(String yaml, Overrides flags) {
    return AgentConfig.resolve(
        AgentConfigFile.parse("agent.yml", yaml), flags, () -> "prom-7.dc1.example.com");
  }

  @Test
  void noFileAtAllGivesTheDocumentedDefaults() {
    AgentConfig c =
        AgentConfig.resolve(AgentConfigFile.EMPTY, Overrides.NONE, () -> "prom-7.dc1.example.com");

    assertEquals(URI.create("http://127.0.0.1:8500"), c.consul().address());
    assertNull(c.consul().tokenFile());
    assertEquals("prome-shard/", c.prefix());
    assertEquals("prom-7", c.node(), "the short host name");
    assertEquals(Paths.get("/var/lib/prome-shard/file_sd"), c.fileSdDir());
    assertEquals(Paths.get("/var/lib/prome-shard/rules"), c.rulesDir());
    assertNull(c.templatesDir());
    assertEquals(URI.create("http://127.0.0.1:9090"), c.prometheusUrl());
    assertEquals(URI.create("http://127.0.0.1:9090/-/reload"), c.reloadUrl());
    assertEquals("http://127.0.0.1:9090/-/ready", c.readyUrl());
    assertEquals(ReloadOn.RULES, c.reloadOn());
    assertEquals(Duration.ofSeconds(1), c.debounce());
    assertEquals(List.of(), c.checkCommand());
    assertEquals(Duration.ofSeconds(30), c.ruleInterval());
    assertEquals("127.0.0.1:9466", c.listen());
    assertEquals("prome-shard-node", c.service());
    assertEquals(1.0, c.weight());
    assertEquals("", c.zone());
    assertTrue(c.register());
    assertNull(c.queryLog(), "no query log is read unless named");
    assertEquals(new SampleSettings(true, Duration.ofMinutes(2)), c.samples());
    OutputConfig out = OutputConfig.from(c);
    assertNull(out.ruleCheck());
    assertNull(out.promtool(), "without a check command, rejected rules are found by reloads");
    assertEquals(OutputConfig.ReloadPolicy.RULE_CHANGES, out.reloadPolicy());
  }

  @Test
  void everyKeyOfTheFileIsRead() {
    AgentConfig c =
        resolve(
            """
        consul:
          address: https://consul.example:8501
        prefix: /ps
        node: p1
        file_sd_dir: /srv/fsd
        rules_dir: /srv/rules
        templates_dir: /etc/prome-shard/templates
        prometheus_url: http://10.0.0.5:9090/prom/
        reload_on: always
        reload_timeout: 5s
        debounce: 250ms
        check_command: [promtool, check, rules]
        check_timeout: 10s
        rule_interval: 1m
        listen: ''
        unhealthy_after: 2m
        service: prom-nodes
        weight: 2.5
        zone: dc1-a
        register: false
        """,
            Overrides.NONE);

    assertEquals(URI.create("https://consul.example:8501"), c.consul().address());
    assertEquals("ps/", c.prefix());
    assertEquals("p1", c.node());
    assertEquals(Paths.get("/srv/fsd"), c.fileSdDir());
    assertEquals(Paths.get("/etc/prome-shard/templates"), c.templatesDir());
    assertEquals(URI.create("http://10.0.0.5:9090/prom"), c.prometheusUrl());
    assertEquals(
        URI.create("http://10.0.0.5:9090/prom/-/reload"),
        c.reloadUrl(),
        "derived from prometheus_url");
    assertEquals(ReloadOn.ALWAYS, c.reloadOn());
    assertEquals(Duration.ofSeconds(5), c.reloadTimeout());
    assertEquals(Duration.ofMillis(250), c.debounce());
    assertEquals(List.of("promtool", "check", "rules"), OutputConfig.from(c).ruleCheck().argv());
    assertEquals(Duration.ofSeconds(10), OutputConfig.from(c).ruleCheck().timeout());
    assertEquals(Path.of("promtool"), OutputConfig.from(c).promtool());
    assertEquals(Duration.ofMinutes(1), OutputConfig.from(c).ruleInterval());
    assertFalse(c.serveOps());
    assertEquals(Duration.ofMinutes(2), c.unhealthyAfter());
    assertEquals("prom-nodes", c.service());
    assertEquals(2.5, c.weight());
    assertEquals("dc1-a", c.zone());
    assertFalse(c.register());
  }

  @Test
  void flagsOverrideTheFile() {
    AgentConfig c =
        resolve(
            """
        consul: {address: 'http://10.1.1.1:8500', token_file: /nope}
        node: from-file
        prefix: file/
        file_sd_dir: /a
        rules_dir: /b
        templates_dir: /c
        reload_url: http://127.0.0.1:9090/-/reload
        """,
            new Overrides(
                "from-flag",
                "http://127.0.0.1:18500",
                "",
                "flag/",
                "/x",
                "/y",
                "/z",
                "http://127.0.0.1:9999/-/reload"));

    assertEquals("from-flag", c.node());
    assertEquals(URI.create("http://127.0.0.1:18500"), c.consul().address());
    assertNull(c.consul().tokenFile(), "an empty --token-file clears the file's");
    assertEquals("flag/", c.prefix());
    assertEquals(Paths.get("/x"), c.fileSdDir());
    assertEquals(Paths.get("/y"), c.rulesDir());
    assertEquals(Paths.get("/z"), c.templatesDir());
    assertEquals(URI.create("http://127.0.0.1:9999/-/reload"), c.reloadUrl());
  }

  @Test
  void samplesAreReportedEveryTwoMinutesUnlessSetOtherwiseAndBadValuesAreNamed() {
    assertEquals(
        new SampleSettings(false, Duration.ofMinutes(2)),
        resolve("samples: {enabled: false}\n", Overrides.NONE).samples());
    assertEquals(
        new SampleSettings(true, Duration.ofSeconds(10)),
        resolve("samples:\n  interval: 10s\n", Overrides.NONE).samples());
    for (String[] bad :
        new String[][] {
          {"samples: {interval: 9s}\n", "samples.interval: expected at least 10s, found 9s"},
          {"samples: {interval: 2}\n", "interval"},
          {"samples: {enabled: maybe}\n", "enabled"},
          {"samples: {every: 1m}\n", "\"every\""}
        }) {
      RuntimeException e =
          assertThrows(RuntimeException.class, () -> resolve(bad[0], Overrides.NONE), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), bad[1] + " named in: " + e.getMessage());
    }
  }

  @Test
  void aQueryLogIsFollowedWithDefaultsAndItsBadValuesAreNamed() {
    AgentConfig c = resolve("query_log:\n  file: /var/log/prometheus/query.log\n", Overrides.NONE);
    assertEquals(
        new QueryLogSettings(
            Paths.get("/var/log/prometheus/query.log"),
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            100),
        c.queryLog());
    AgentConfig all =
        resolve(
            """
        query_log:
          file: /q.log
          min_duration: 250ms
          report_interval: 1m
          max_queries: 20
        """,
            Overrides.NONE);
    assertEquals(
        new QueryLogSettings(
            Paths.get("/q.log"), Duration.ofMillis(250), Duration.ofMinutes(1), 20),
        all.queryLog());
    for (String[] bad :
        new String[][] {
          {"query_log:\n  min_duration: 1s\n", "query_log.file"},
          {"query_log:\n  file: /q.log\n  report_interval: 1s\n", "query_log.report_interval"},
          {"query_log:\n  file: /q.log\n  max_queries: 0\n", "query_log.max_queries"},
          {"query_log:\n  file: /q.log\n  min_duration: -1s\n", "min_duration"},
          {"query_log:\n  file: /q.log\n  follow: true\n", "follow"}
        }) {
      RuntimeException e =
          assertThrows(RuntimeException.class, () -> resolve(bad[0], Overrides.NONE), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), bad[1] + " named in: " + e.getMessage());
    }
  }

  @Test
  void anUnknownKeyIsAnErrorNamingIt() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class, () -> resolve("file_sd_directory: /x\n", Overrides.NONE));
    assertTrue(e.getMessage().startsWith("agent.yml: "), e.getMessage());
    assertTrue(e.getMessage().contains("\"file_sd_directory\""), e.getMessage());

    ProtocolException nested =
        assertThrows(
            ProtocolException.class,
            () -> resolve("consul:\n  adress: http://x\n", Overrides.NONE));
    assertTrue(nested.getMessage().contains("\"adress\""), nested.getMessage());
  }

  @Test
  void badValuesAreErrorsNamingKeyAndValue() {
    assertMessage(
        "reload_on: expected rules, always or never, found \"sometimes\"",
        "reload_on: sometimes\n");
    assertMessage(
        "reload_url: expected a URL whose path ends in /-/reload, found http://127.0.0.1:9090/reload",
        "reload_url: http://127.0.0.1:9090/reload\n");
    assertMessage(
        "prometheus_url: expected http(s) URL, found ftp://x", "prometheus_url: ftp://x\n");
    assertMessage(
        "listen: expected host:port (or \"\" to disable), found \"9466\"", "listen: '9466'\n");
    assertMessage("weight: expected a positive number, found 0.0", "weight: 0\n");
    assertMessage("service: invalid Consul service name \"a b\"", "service: a b\n");
    assertMessage(
        "debounce: expected a duration such as 500ms, 30s, 5m or 1h30m, found \"soon\"",
        "debounce: soon\n");
    assertMessage("prefix: invalid KV prefix \"a//b\"", "prefix: a//b\n");
    ConsulConfigException consul =
        assertThrows(
            ConsulConfigException.class,
            () -> resolve("consul: {address: 'ftp://127.0.0.1'}\n", Overrides.NONE));
    assertEquals(
        "consul.address: expected http(s)://host[:port], found ftp://127.0.0.1",
        consul.getMessage());
  }

  @Test
  void aNodeNameThatCouldLeaveADirectoryIsRejected() {
    for (String bad : List.of("../x", "..", "a/b", ".hidden", "")) {
      ProtocolException e =
          assertThrows(
              ProtocolException.class,
              () -> resolve("", new Overrides(bad, null, null, null, null, null, null, null)),
              bad);
      assertTrue(e.getMessage().startsWith("node: invalid name"), e.getMessage());
    }
    ProtocolException host =
        assertThrows(
            ProtocolException.class,
            () -> AgentConfig.resolve(AgentConfigFile.EMPTY, Overrides.NONE, () -> "_bad_host"));
    assertTrue(
        host.getMessage().contains("set node in the config file or --node"), host.getMessage());
  }

  @Test
  void thePackagedConfigFileIsValid() throws Exception {
    Path packaged =
        Paths.get(System.getProperty("prome-shard.root", ".."))
            .resolve("packaging/src/main/etc/prome-shard/agent.yml");
    assertTrue(Files.isRegularFile(packaged), packaged.toString());
    AgentConfig c =
        AgentConfig.resolve(AgentConfigFile.load(packaged), Overrides.NONE, () -> "host1");
    assertEquals("host1", c.node());
    assertEquals(Paths.get("/var/lib/prome-shard/file_sd"), c.fileSdDir());
  }

  @Test
  void thePackagedConfigFileDocumentsTheSamplesBlockWithItsDefaults() throws Exception {
    Path packaged =
        Paths.get(System.getProperty("prome-shard.root", ".."))
            .resolve("packaging/src/main/etc/prome-shard/agent.yml");
    List<String> lines = Files.readAllLines(packaged);
    int at = lines.indexOf("#samples:");
    assertTrue(at >= 0, "a commented samples block in " + packaged);
    StringBuilder block = new StringBuilder("samples:\n");
    for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("#  "); i++) {
      block.append(lines.get(i).substring(1)).append('\n');
    }
    assertEquals(SampleSettings.DEFAULTS, resolve(block.toString(), Overrides.NONE).samples());
  }

  @Test
  void aMissingExplicitFileIsAnErrorNamingIt() {
    Path missing = dir.resolve("nope.yml");
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> AgentConfigFile.load(missing));
    assertEquals(missing + ": no such file", e.getMessage());
  }

  private static void assertMessage(String expected, String yaml) {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> resolve(yaml, Overrides.NONE), yaml);
    assertTrue(
        e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
  }
}
