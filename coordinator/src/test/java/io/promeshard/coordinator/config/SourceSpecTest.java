package io.promeshard.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceSpecTest {
  private static SourceSpec parse(String json) {
    return SourceSpec.parse("config/jobs/web", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String error(String json) {
    return assertThrows(ProtocolException.class, () -> parse(json)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
    }
  }

  @Test
  void staticSpecHoldsItsGroups() {
    StaticSourceSpec s =
        assertInstanceOf(
            StaticSourceSpec.class,
            parse(
                "{\"type\":\"static\",\"groups\":[{\"targets\":[\"a:9100\",\"b:9100\"],\"labels\":{\"env\":\"prod\"}},"
                    + "{\"targets\":[\"c:9100\"]}]}"));
    assertEquals(
        List.of(
            new TargetGroup(List.of("a:9100", "b:9100"), Map.of("env", "prod")),
            new TargetGroup(List.of("c:9100"), Map.of())),
        s.groups());
  }

  @Test
  void fileSpecDefaultsRefreshToThirtySeconds() {
    FileSourceSpec f =
        assertInstanceOf(
            FileSourceSpec.class,
            parse(
                "{\"type\":\"file\",\"files\":[\"/etc/prometheus/targets/*.json\",\"/x/*.yml\"]}"));
    assertEquals(List.of("/etc/prometheus/targets/*.json", "/x/*.yml"), f.files());
    assertEquals(Duration.ofSeconds(30), f.refresh());
  }

  @Test
  void httpSdSpecParsesCompoundRefresh() {
    HttpSdSourceSpec h =
        assertInstanceOf(
            HttpSdSourceSpec.class,
            parse(
                "{\"type\":\"http_sd\",\"url\":\"http://sd.local/targets\",\"refresh\":\"1h30m\"}"));
    assertEquals(Duration.ofMinutes(90), h.refresh());
  }

  @Test
  void consulSpecTakesServiceTagsAndDatacenter() {
    ConsulSourceSpec c =
        assertInstanceOf(
            ConsulSourceSpec.class,
            parse(
                "{\"type\":\"consul\",\"service\":\"node-exporter\",\"tags\":[\"prod\"],\"datacenter\":\"dc2\"}"));
    assertEquals(new ConsulSourceSpec("node-exporter", List.of("prod"), "dc2"), c);
    assertEquals(
        List.of(), ((ConsulSourceSpec) parse("{\"type\":\"consul\",\"service\":\"x\"}")).tags());
  }

  @Test
  void serviceTreeSpecAcceptsOnePortOrAListPerApp() {
    ServiceTreeSourceSpec t =
        assertInstanceOf(
            ServiceTreeSourceSpec.class,
            parse(
                "{\"type\":\"service_tree\",\"url\":\"http://cmdb.local\",\"resource_type\":\"ecs\","
                    + "\"labels\":[{\"key\":\"stree-app\",\"value\":\"kafka|zk\",\"type\":3}],"
                    + "\"ports\":{\"zk\":9141,\"kafka\":[9308,9309]},\"default_port\":9200,"
                    + "\"accounts\":{\"1234\":\"prod-acct\"},\"refresh\":\"60s\"}"));
    assertEquals(List.of(9308, 9309), t.portsFor("kafka"));
    assertEquals(List.of(9141), t.portsFor("zk"));
    assertEquals(List.of(9200), t.portsFor("es"));
    assertEquals(List.of(9200), t.portsFor(null));
    assertEquals(Map.of("1234", "prod-acct"), t.accounts());
    assertEquals(Duration.ofSeconds(60), t.refresh());
  }

  @Test
  void serviceTreeSpecDefaultsToEcsAndNodeExporterPort() {
    ServiceTreeSourceSpec t =
        (ServiceTreeSourceSpec)
            parse(
                "{\"type\":\"service_tree\",\"url\":\"http://cmdb\","
                    + "\"labels\":[{\"key\":\"group\",\"value\":\"inf\",\"type\":1}]}");
    assertEquals("ecs", t.resourceType());
    assertEquals(9100, t.defaultPort());
    assertEquals(Duration.ofSeconds(30), t.refresh());
  }

  @Test
  void httpSourcesHaveResponseLimitsWithDefaults() {
    HttpSdSourceSpec h = (HttpSdSourceSpec) parse("{\"type\":\"http_sd\",\"url\":\"http://sd\"}");
    assertEquals(32L * 1024 * 1024, h.maxBytes());
    assertEquals(200_000, h.maxTargets());
    assertEquals(Duration.ofSeconds(30), h.timeout());
    HttpSdSourceSpec quick =
        (HttpSdSourceSpec)
            parse("{\"type\":\"http_sd\",\"url\":\"http://sd\",\"refresh\":\"10s\"}");
    assertEquals(Duration.ofSeconds(10), quick.timeout());
    HttpSdSourceSpec set =
        (HttpSdSourceSpec)
            parse(
                "{\"type\":\"http_sd\",\"url\":\"http://sd\",\"max_bytes\":1048576,"
                    + "\"max_targets\":5000,\"timeout\":\"2m\"}");
    assertEquals(1_048_576L, set.maxBytes());
    assertEquals(5000, set.maxTargets());
    assertEquals(Duration.ofMinutes(2), set.timeout());

    ServiceTreeSourceSpec t =
        (ServiceTreeSourceSpec)
            parse(
                "{\"type\":\"service_tree\",\"url\":\"http://cmdb\","
                    + "\"labels\":[{\"key\":\"group\",\"value\":\"inf\",\"type\":1}],"
                    + "\"max_targets\":10}");
    assertEquals(64L * 1024 * 1024, t.maxBytes());
    assertEquals(10, t.maxTargets());
    assertEquals(Duration.ofSeconds(60), t.timeout());
  }

  @Test
  void badLimitsAreRejectedNamingTheField() {
    String sd = "{\"type\":\"http_sd\",\"url\":\"http://sd\",";
    assertMentions(error(sd + "\"max_bytes\":0}"), "max_bytes", "0");
    assertMentions(error(sd + "\"max_bytes\":1073741824}"), "max_bytes", "268435456");
    assertMentions(error(sd + "\"max_targets\":-1}"), "max_targets", "-1");
    assertMentions(error(sd + "\"timeout\":\"100ms\"}"), "timeout", "100ms");
    assertMentions(
        error(
            "{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[{\"key\":\"a\","
                + "\"value\":\"b\",\"type\":1}],\"max_targets\":0}"),
        "max_targets");
  }

  @Test
  void encodedSpecParsesBackToTheSameRecord() {
    String[] specs = {
      "{\"type\":\"static\",\"groups\":[{\"targets\":[\"a:1\"],\"labels\":{\"k\":\"v\"}}]}",
      "{\"type\":\"file\",\"files\":[\"/t/*.yaml\"],\"refresh\":\"5m\"}",
      "{\"type\":\"http_sd\",\"url\":\"https://sd/x?y=1\"}",
      "{\"type\":\"consul\",\"service\":\"svc\",\"tags\":[\"a\",\"b\"]}",
      "{\"type\":\"service_tree\",\"url\":\"http://cmdb\",\"labels\":[{\"key\":\"env\",\"value\":\"prod\",\"type\":2}],"
          + "\"ports\":{\"api\":[8080]},\"accounts\":{\"1\":\"one\"}}",
    };
    for (String json : specs) {
      SourceSpec spec = parse(json);
      String encoded = SourceSpec.encode(spec);
      assertTrue(encoded.contains("\"type\":\"" + spec.type() + "\""), encoded);
      assertEquals(spec, parse(encoded), encoded);
    }
  }

  @Test
  void listOfSourcesParsesInOrder() {
    List<SourceSpec> specs =
        SourceSpec.parseList(
            "config/jobs/web",
            "[{\"type\":\"consul\",\"service\":\"a\"},{\"type\":\"http_sd\",\"url\":\"http://sd\"}]"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("consul", "http_sd"), specs.stream().map(SourceSpec::type).toList());
  }

  @Test
  void unknownTypeIsRejectedNamingTheValue() {
    assertMentions(
        error("{\"type\":\"dns\",\"names\":[\"x\"]}"),
        "config/jobs/web",
        "type",
        "\"dns\"",
        "http_sd");
  }

  @Test
  void unknownTypeInAListNamesItsPosition() {
    String message =
        assertThrows(
                ProtocolException.class,
                () ->
                    SourceSpec.parseList(
                        "config/jobs/web",
                        "[{\"type\":\"consul\",\"service\":\"a\"},{\"type\":\"ec2\"}]"
                            .getBytes(StandardCharsets.UTF_8)))
            .getMessage();
    assertMentions(message, "config/jobs/web", "type", "\"ec2\"", "[1]", "service_tree");
  }

  @Test
  void missingTypeIsRejectedNamingTheTypeField() {
    assertMentions(error("{\"url\":\"http://sd\"}"), "config/jobs/web", "type");
  }

  @Test
  void unknownFieldIsRejectedNamingTheField() {
    assertMentions(
        error("{\"type\":\"http_sd\",\"url\":\"http://sd\",\"refresh_interval\":\"5s\"}"),
        "config/jobs/web",
        "refresh_interval");
    assertMentions(
        error(
            "{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[{\"key\":\"a\",\"value\":\"b\","
                + "\"type\":1,\"op\":\"eq\"}]}"),
        "op");
  }

  @Test
  void badDurationNamesTheFieldAndTheValue() {
    assertMentions(
        error("{\"type\":\"http_sd\",\"url\":\"http://sd\",\"refresh\":\"5x\"}"), "refresh", "5x");
    assertMentions(
        error("{\"type\":\"http_sd\",\"url\":\"http://sd\",\"refresh\":\"10ms\"}"),
        "refresh",
        "10ms");
  }

  @Test
  void badValuesAreRejectedNamingTheField() {
    assertMentions(error("{\"type\":\"http_sd\",\"url\":\"ftp://sd\"}"), "url", "ftp://sd");
    assertMentions(error("{\"type\":\"static\",\"groups\":[]}"), "groups");
    assertMentions(error("{\"type\":\"static\",\"groups\":[{\"targets\":[]}]}"), "targets");
    assertMentions(
        error("{\"type\":\"file\",\"files\":[\"relative/*.json\"]}"), "files", "relative/*.json");
    assertMentions(
        error("{\"type\":\"file\",\"files\":[\"/a/*/b.json\"]}"), "files", "last path segment");
    assertMentions(error("{\"type\":\"file\",\"files\":[\"/a/targets.txt\"]}"), "files", ".json");
    assertMentions(error("{\"type\":\"consul\",\"service\":\"a/b\"}"), "service", "a/b");
    assertMentions(error("{\"type\":\"consul\"}"), "service");
  }

  @Test
  void serviceTreeMatcherTypeMustBeOneToFour() {
    for (String type : new String[] {"0", "5", "null"}) {
      assertMentions(
          error(
              "{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[{\"key\":\"env\","
                  + "\"value\":\"prod\",\"type\":"
                  + type
                  + "}]}"),
          "labels",
          "env",
          "type must be 1",
          type);
    }
  }

  @Test
  void serviceTreeRegexMustCompile() {
    assertMentions(
        error(
            "{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[{\"key\":\"stree-app\","
                + "\"value\":\"kafka|(zk\",\"type\":3}]}"),
        "labels",
        "stree-app",
        "invalid regex",
        "kafka|(zk");
    assertMentions(
        error(
            "{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[{\"key\":\"stree-app\","
                + "\"value\":\"[\",\"type\":4}]}"),
        "invalid regex");
  }

  @Test
  void serviceTreeRejectsBadPortsEmptyQueryAndOtherResourceTypes() {
    String base =
        "{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[{\"key\":\"a\",\"value\":\"b\",\"type\":1}]";
    assertMentions(error(base + ",\"ports\":{\"api\":70000}}"), "ports.api", "70000");
    assertMentions(error(base + ",\"ports\":{\"api\":[]}}"), "ports", "api");
    assertMentions(error(base + ",\"default_port\":0}"), "default_port", "0");
    assertMentions(error(base + ",\"resource_type\":\"rds\"}"), "resource_type", "rds");
    assertMentions(
        error("{\"type\":\"service_tree\",\"url\":\"http://c\",\"labels\":[]}"), "labels");
  }
}
