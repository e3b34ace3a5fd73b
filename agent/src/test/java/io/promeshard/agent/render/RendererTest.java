package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
  /** Values that break naive JSON or YAML output. */
  static final List<String> AWKWARD =
      List.of(
          "say \"hi\"",
          "C:\\path\\to\\",
          "line1\nline2",
          "tab\there",
          "carriage\rreturn",
          "h\u00e9llo w\u00f6rld \u4e2d\u6587 \ud83c\udf89",
          "{{not a tag}}",
          "{{",
          "}}",
          "</script><script>alert(1)</script>",
          "\u2028\u2029",
          "\u0001\u001f\u007f\u0085\u009f",
          "\ufeffbom",
          "'single'",
          "# not a comment",
          "key: value",
          "*alias",
          "&anchor",
          "!tag",
          "- dash",
          "[flow]",
          "{flow: map}",
          "  padded  ",
          "",
          "%percent @at `tick`",
          "null",
          "true",
          "~",
          "| pipe",
          "> fold",
          "? question");

  private final Renderer renderer = new Renderer(Templates.bundled());

  @Test
  void defaultTemplatesRenderTheExpectedBytes() throws Exception {
    RenderResult targets =
        renderer.renderTargets(
            "web",
            List.of(
                new TargetGroup(
                    List.of("10.0.0.1:9100", "10.0.0.2:9100"),
                    Map.of("team", "a \"quoted\" name\nwith a newline", "env", "prod")),
                TargetGroup.of("10.0.0.3:9100", Map.of())));
    assertArrayEquals(
        resource("render/web.json"),
        targets.bytes(),
        new String(targets.bytes(), StandardCharsets.UTF_8));
    assertEquals(3, targets.count());
    assertEquals("web.json", targets.fileName());
    assertEquals(Checksums.sha256Hex(resource("render/web.json")), targets.sha256());

    RenderResult rules =
        renderer.renderRules(
            "heavy_expr_record",
            List.of(
                new RecordRule("job:up:sum", "sum by (job) (up)"),
                new RecordRule(
                    "job:http_errors:rate5m",
                    "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))")),
            Duration.ofSeconds(30));
    assertArrayEquals(
        resource("render/heavy.yml"),
        rules.bytes(),
        new String(rules.bytes(), StandardCharsets.UTF_8));
    assertEquals(2, rules.count());
    assertEquals("heavy_expr_record.yml", rules.fileName());
    assertEquals(OutputKind.RULES, rules.kind());
  }

  @Test
  void awkwardLabelValuesAndAddressesRoundTripExactly() throws Exception {
    List<TargetGroup> groups = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      labels.put("l" + i, AWKWARD.get(i));
      groups.add(TargetGroup.of("host-" + i + ":9100", Map.of("v", AWKWARD.get(i))));
    }
    groups.add(
        new TargetGroup(List.of("a\"b\":1", "\u4f8b\u3048.jp:80", "x\\y:2", "{{z}}:3"), labels));

    byte[] out = renderer.renderTargets("awkward", groups).bytes();

    assertEquals(groups, Json.decodeTargetGroups("awkward.json", out));
    JsonNode last = new JsonMapper().readTree(out).get(groups.size() - 1);
    for (int i = 0; i < AWKWARD.size(); i++) {
      assertEquals(AWKWARD.get(i), last.get("labels").get("l" + i).textValue(), "label l" + i);
    }
  }

  @Test
  void awkwardRuleExpressionsRoundTripThroughYaml() throws Exception {
    List<RecordRule> rules = new ArrayList<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      if (!AWKWARD.get(i).isBlank()) {
        rules.add(new RecordRule("r" + i, AWKWARD.get(i)));
      }
    }
    rules.add(
        new RecordRule(
            "job:x:rate5m",
            "sum by (job) (rate(x{path=\"/a: b # c\", q='\"'}[5m]))\n  # trailing comment\n"));

    byte[] out = renderer.renderRules("awkward", rules, Duration.ofMinutes(2)).bytes();

    JsonNode group = new YAMLMapper().readTree(out).get("groups").get(0);
    assertEquals("awkward", group.get("name").textValue());
    assertEquals("2m", group.get("interval").textValue());
    List<RecordRule> parsed = new ArrayList<>();
    for (JsonNode r : group.get("rules")) {
      parsed.add(new RecordRule(r.get("record").textValue(), r.get("expr").textValue()));
    }
    assertEquals(rules, parsed);
  }

  @Test
  void ruleGroupOverThreeMegabytesRendersAndReadsBack() {
    List<RecordRule> rules = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      rules.add(
          new RecordRule(
              "job:requests_" + i + ":rate5m",
              "sum by (job, instance) (rate(http_requests_total{handler=\"/api/v1/items/"
                  + i
                  + "\"}[5m]))"));
    }
    RenderResult r = renderer.renderRules("large", rules, null);
    assertTrue(r.bytes().length > 3 * 1024 * 1024, "only " + r.bytes().length + " bytes");
  }

  @Test
  void emptyJobsAndGroupsStillRenderValidFiles() throws Exception {
    RenderResult targets = renderer.renderTargets("empty", List.of());
    assertEquals(List.of(), Json.decodeTargetGroups("empty.json", targets.bytes()));
    assertEquals(0, targets.count());

    RenderResult rules = renderer.renderRules("empty", List.of(), null);
    JsonNode group = new YAMLMapper().readTree(rules.bytes()).get("groups").get(0);
    assertTrue(group.get("rules").isEmpty());
    assertNull(group.get("interval"), "no interval configured: Prometheus' global one applies");
  }

  @Test
  void intervalsAreWrittenAsPrometheusDurations() {
    assertEquals("30s", TemplateData.prometheusDuration(Duration.ofSeconds(30)));
    assertEquals("90s", TemplateData.prometheusDuration(Duration.ofSeconds(90)));
    assertEquals("2m", TemplateData.prometheusDuration(Duration.ofMinutes(2)));
    assertEquals("1h", TemplateData.prometheusDuration(Duration.ofHours(1)));
    assertEquals("1500ms", TemplateData.prometheusDuration(Duration.ofMillis(1500)));
    assertNull(TemplateData.prometheusDuration(null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> renderer.renderRules("g", List.of(), Duration.ZERO));
    assertEquals("rule interval: expected a positive duration, found PT0S", e.getMessage());
  }

  @Test
  void templateThatRendersInvalidJsonIsRejected() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-missing-comma")));
    RenderException e =
        assertThrows(
            RenderException.class,
            () ->
                broken.renderTargets(
                    "web", List.of(TargetGroup.of("a:1", Map.of("env", "prod", "team", "x")))));
    assertTrue(e.getMessage().startsWith("template file_sd.json.mustache ("), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("templates-missing-comma) rendered job web that is not valid JSON: "),
        e.getMessage());
  }

  @Test
  void tripleMustacheIsRejectedWhenTheTemplateCompiles() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-triple")));
    RenderException e =
        assertThrows(
            RenderException.class,
            () -> broken.renderTargets("web", List.of(TargetGroup.of("a:1", Map.of()))));
    assertTrue(e.getMessage().startsWith("template file_sd.json.mustache ("), e.getMessage());
    assertTrue(
        e.getMessage().contains("unescaped variable \"value\" at file_sd.json.mustache:3"),
        e.getMessage());
  }

  @Test
  void ampersandUnescapedTagIsRejected() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-ampersand")));
    RenderException e =
        assertThrows(
            RenderException.class,
            () -> broken.renderRules("g", List.of(new RecordRule("r", "up")), null));
    assertTrue(
        e.getMessage().contains("unescaped variable \"expr\" at rules.yml.mustache:6"),
        e.getMessage());
  }

  @Test
  void templateThatDropsDataIsRejectedAsUnfaithful() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-drops-label")));
    RenderException e =
        assertThrows(
            RenderException.class,
            () ->
                broken.renderTargets(
                    "web", List.of(TargetGroup.of("a:1", Map.of("env", "prod", "team", "x")))));
    assertTrue(
        e.getMessage()
            .endsWith(
                "rendered job web unfaithfully: [0].labels is {env=\"prod\"}"
                    + " instead of {env=\"prod\", team=\"x\"}"),
        e.getMessage());
  }

  @Test
  void unquotedExpressionIsCaughtWhenYamlReadsItDifferently() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-bare-expr")));
    RenderException comment =
        assertThrows(
            RenderException.class,
            () -> broken.renderRules("g", List.of(new RecordRule("r", "up # really")), null));
    assertTrue(
        comment
            .getMessage()
            .endsWith(
                "rendered rule group g unfaithfully: groups[0].rules[0].expr is \"up\" instead of \"up # really\""),
        comment.getMessage());
    RenderException mapping =
        assertThrows(
            RenderException.class,
            () -> broken.renderRules("g", List.of(new RecordRule("r", "x{a=\"b\"}: c")), null));
    assertTrue(
        mapping.getMessage().contains("rendered rule group g that is not valid YAML: "),
        mapping.getMessage());
  }

  @Test
  void ruleKeysPrometheusWouldRejectAreCaught() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-unknown-key")));
    RenderException e =
        assertThrows(
            RenderException.class,
            () -> broken.renderRules("g", List.of(new RecordRule("r", "up")), null));
    assertTrue(
        e.getMessage()
            .contains("rendered rule group g unfaithfully: groups[0]: unknown key \"owner\""),
        e.getMessage());
  }

  @Test
  void missingTemplateNamesTheFileAndTheDirectory(@TempDir Path empty) {
    Renderer r = new Renderer(Templates.directory(empty));
    RenderException e =
        assertThrows(RenderException.class, () -> r.renderTargets("web", List.of()));
    assertEquals(
        "template file_sd.json.mustache: not found in templates directory "
            + empty.toAbsolutePath(),
        e.getMessage());
    RenderException check = assertThrows(RenderException.class, r::check);
    assertTrue(check.getMessage().contains("not found"), check.getMessage());
  }

  @Test
  void selfCheckFindsABrokenTemplate() {
    Renderer broken = new Renderer(Templates.directory(resourceDir("templates-missing-comma")));
    RenderException e = assertThrows(RenderException.class, broken::check);
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  static Path resourceDir(String name) {
    try {
      return Path.of(RendererTest.class.getClassLoader().getResource(name).toURI());
    } catch (Exception e) {
      throw new AssertionError("test resource folder " + name, e);
    }
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = RendererTest.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
