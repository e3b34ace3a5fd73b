package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rendered files and reloads against a real Prometheus of each supported release: what it loads is
 * what the share said.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(PrometheusVersion.class)
class PrometheusApplyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> AWKWARD =
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
          "'single'",
          "# not a comment",
          "key: value",
          "*alias",
          "&anchor",
          "!tag",
          "  padded  ",
          "null",
          "~");
  private static final RecordRule UP = new RecordRule("job:up:sum", "sum by (job) (up)");
  private static final RecordRule BROKEN = new RecordRule("job:broken:sum", "sum by (job) (up");

  @TempDir static Path root;
  private static PrometheusServer prom;
  @Parameter PrometheusVersion release;

  @BeforeParameterizedClassInvocation
  static void startPrometheus(PrometheusVersion release) throws IOException {
    Files.createDirectories(root.resolve("file_sd"));
    Files.createDirectories(root.resolve("rules"));
    prom =
        PrometheusServer.start(
            release,
            root.resolve("prometheus-" + release.label()),
            String.join(
                "\n",
                "global:",
                "  scrape_interval: 1h",
                "  evaluation_interval: 1h",
                "rule_files:",
                "  - " + root.resolve("rules") + "/*.yml",
                "scrape_configs:",
                "  - job_name: fsd",
                "    file_sd_configs:",
                "      - files: ['" + root.resolve("file_sd") + "/*.json']",
                "        refresh_interval: 1s",
                ""));
  }

  @AfterParameterizedClassInvocation
  static void stopPrometheus() {
    if (prom != null) {
      prom.stop();
    }
  }

  @BeforeEach
  void emptyOutputDirectories() throws IOException {
    for (Path dir : List.of(fileSd(), rules())) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
    }
    prom.post("/-/reload");
  }

  @Test
  void labelValuesArriveInPrometheusExactlyAsWritten() throws Exception {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      groups.add(
          TargetGroup.of(
              "127.0.0.1:" + (10000 + i),
              Map.of("case", Integer.toString(i), "v", AWKWARD.get(i))));
    }
    ApplyResult result =
        applier(null).apply(new NodeShare(Map.of("awkward", groups), Map.of()), null);
    assertEquals(1, result.targetChanges().size());

    Map<String, String> seen =
        Await.value(
            Duration.ofSeconds(30),
            "all awkward targets in /api/v1/targets",
            () -> {
              Map<String, String> byCase = new TreeMap<>();
              for (JsonNode t :
                  json(prom.get("/api/v1/targets?state=active")).at("/data/activeTargets")) {
                JsonNode labels = t.get("labels");
                if ("fsd".equals(labels.path("job").asText()) && labels.has("case")) {
                  byCase.put(labels.get("case").asText(), labels.path("v").asText());
                }
              }
              return byCase.size() == AWKWARD.size() ? byCase : null;
            });
    for (int i = 0; i < AWKWARD.size(); i++) {
      assertEquals(AWKWARD.get(i), seen.get(Integer.toString(i)), "label v of case " + i);
    }
  }

  @Test
  void aValidRuleChangeReloadsAndTheRuleIsLoaded() throws Exception {
    try (Reloader reloader = reloader()) {
      ApplyResult result = applier(null).apply(share(Map.of("heavy", List.of(UP))), reloader);

      assertTrue(result.ok(), result.error());
      assertTrue(result.reload().ok(), result.reload().message());
      assertEquals(Map.of("heavy", List.of("job:up:sum")), loadedRules());

      ApplyResult targetsOnly =
          applier(null)
              .apply(
                  new NodeShare(
                      Map.of("web", List.of(TargetGroup.of("127.0.0.1:9", Map.of()))),
                      Map.of("heavy", List.of(UP))),
                  reloader);
      assertEquals(1, targetsOnly.targetChanges().size());
      assertNull(targetsOnly.reload(), "file_sd changes need no reload");
    }
  }

  @Test
  void aRuleFilePrometheusRejectsIsRolledBackAndThePreviousRulesStayLoaded() throws Exception {
    try (Reloader reloader = reloader()) {
      assertTrue(applier(null).apply(share(Map.of("heavy", List.of(UP))), reloader).ok());
      byte[] before = Files.readAllBytes(rules().resolve("heavy.yml"));

      ApplyResult result =
          applier(null)
              .apply(
                  share(
                      Map.of(
                          "heavy", List.of(UP, BROKEN),
                          "light", List.of(new RecordRule("job:light:count", "count(up)")))),
                  reloader);

      assertFalse(result.ok());
      assertTrue(result.rolledBack());
      assertFalse(result.reload().ok());
      assertTrue(
          result
              .error()
              .startsWith(
                  "reload after rule changes failed: POST "
                      + prom.url()
                      + "/-/reload returned HTTP 500"),
          result.error());
      // Prometheus only logs the parse error; the reload response says the reload failed
      assertTrue(result.error().contains(": failed to reload config: "), result.error());
      assertTrue(
          result.error().endsWith("; previous rule files restored and reloaded"), result.error());
      assertArrayEquals(before, Files.readAllBytes(rules().resolve("heavy.yml")));
      assertEquals(
          List.of("heavy.yml"),
          ApplierTest.visible(rules()),
          "light.yml did not exist before, so it is gone");
      assertEquals(Map.of("heavy", List.of("job:up:sum")), loadedRules());
      assertTrue(prom.get("/metrics").contains("\nprometheus_config_last_reload_successful 1\n"));
    }
  }

  @Test
  void theCheckCommandWithRealPromtoolRejectsABadFileBeforeInstall() throws Exception {
    CheckCommand promtool =
        CheckCommand.parse(Binaries.promtool(release) + " check rules {}", Duration.ofSeconds(30));
    try (Reloader reloader = reloader()) {
      ApplyResult good = applier(promtool).apply(share(Map.of("heavy", List.of(UP))), reloader);
      assertTrue(good.ok(), good.error());
      byte[] before = Files.readAllBytes(rules().resolve("heavy.yml"));

      ApplyResult bad =
          applier(promtool).apply(share(Map.of("heavy", List.of(UP, BROKEN))), reloader);

      assertFalse(bad.ok());
      assertTrue(
          bad.error()
              .startsWith(
                  "rule file "
                      + rules().resolve("heavy.yml")
                      + " rejected: check command exited 1: "
                      + Binaries.promtool(release)
                      + " check rules "),
          bad.error());
      assertTrue(bad.error().contains("unclosed left parenthesis"), bad.error());
      assertNull(bad.reload(), "nothing was installed, so nothing is reloaded");
      assertFalse(bad.rolledBack());
      assertArrayEquals(before, Files.readAllBytes(rules().resolve("heavy.yml")));
      assertEquals(List.of(".prome-shard-managed.rules", "heavy.yml"), ApplierTest.all(rules()));
      assertEquals(Map.of("heavy", List.of("job:up:sum")), loadedRules());
    }
  }

  @Test
  void theReloadPolicyDecidesWhichChangesReload() throws Exception {
    NodeShare targetsOnly =
        new NodeShare(Map.of("web", List.of(TargetGroup.of("127.0.0.1:9", Map.of()))), Map.of());
    OutputConfig base = OutputConfig.of(fileSd(), rules(), null);
    try (Reloader reloader = reloader()) {
      ApplyResult any =
          new Applier(
                  new Renderer(Templates.bundled()),
                  base.withReloadPolicy(OutputConfig.ReloadPolicy.ANY_CHANGE))
              .apply(targetsOnly, reloader);
      assertTrue(any.reload().ok(), any.reload().message());

      ApplyResult never =
          new Applier(
                  new Renderer(Templates.bundled()),
                  base.withReloadPolicy(OutputConfig.ReloadPolicy.NEVER))
              .apply(share(Map.of("heavy", List.of(UP))), reloader);
      assertEquals(1, never.ruleChanges().size());
      assertNull(never.reload());
      assertEquals(Map.of(), loadedRules(), "the rule file is written but Prometheus was not told");
    }
  }

  private static Applier applier(CheckCommand check) {
    return new Applier(
        new Renderer(Templates.bundled()),
        OutputConfig.of(fileSd(), rules(), Duration.ofSeconds(30)).withRuleCheck(check));
  }

  private static Reloader reloader() {
    return new Reloader(prom.url() + "/-/reload", Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  private static NodeShare share(Map<String, List<RecordRule>> rules) {
    return new NodeShare(Map.of(), rules);
  }

  /** Rule group name → recording rule names, as Prometheus has them loaded. */
  private static Map<String, List<String>> loadedRules() throws IOException {
    Map<String, List<String>> out = new HashMap<>();
    for (JsonNode g : json(prom.get("/api/v1/rules")).at("/data/groups")) {
      List<String> names = new ArrayList<>();
      g.get("rules").forEach(r -> names.add(r.get("name").asText()));
      out.put(g.get("name").asText(), names);
    }
    return out;
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private static Path fileSd() {
    return root.resolve("file_sd");
  }

  private static Path rules() {
    return root.resolve("rules");
  }
}
