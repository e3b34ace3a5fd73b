package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Grafana dashboard the coordinator package ships: a current classic dashboard model that
 * imports anywhere (its Prometheus comes from a {@code datasource} variable, its panels are
 * Grafana's own), laid out in the rows the README describes, and every query valid PromQL for every
 * supported Prometheus (checked by promtool as recording rules, with Grafana's variables replaced).
 */
class DashboardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> CORE_PANELS =
      Set.of("row", "timeseries", "stat", "bargauge", "gauge", "table", "text", "state-timeline");
  private static final String DATASOURCE = "${datasource}";

  /** Grafana's variables in the queries, and what promtool sees instead. */
  private static final Map<String, String> VARIABLES =
      Map.of("$__rate_interval", "5m", "$node", ".*", "$agent", ".*");

  @TempDir Path dir;

  @Test
  void importsAnywhereWithItsPrometheusChosenByVariableAndCorePanelsOnly() {
    JsonNode d = dashboard();
    assertEquals("prome-shard", d.path("uid").asText());
    assertTrue(d.path("schemaVersion").asInt() >= 39, "schemaVersion " + d.path("schemaVersion"));
    assertTrue(
        d.path("__inputs").isMissingNode(), "no import inputs: the datasource is a variable");
    assertTrue(d.path("__requires").isMissingNode(), "no plugins required");
    JsonNode variable = variable(d, "datasource");
    assertEquals("datasource", variable.path("type").asText());
    assertEquals("prometheus", variable.path("query").asText());
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        assertDatasource(v, "variable " + v.path("name").asText());
      }
    }
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : panels(d)) {
      String name = "panel " + panel.path("id") + " " + panel.path("title").asText();
      assertTrue(ids.add(panel.path("id").asInt()), name + ": id used twice");
      assertTrue(
          CORE_PANELS.contains(panel.path("type").asText()), name + ": " + panel.path("type"));
      JsonNode grid = panel.path("gridPos");
      assertTrue(
          grid.path("x").asInt(-1) >= 0 && grid.path("x").asInt() + grid.path("w").asInt() <= 24,
          name + ": gridPos " + grid);
      if (!panel.path("type").asText().equals("row")) {
        assertDatasource(panel, name);
        assertFalse(panel.path("targets").isEmpty(), name + ": no query");
        panel.path("targets").forEach(t -> assertDatasource(t, name + " query " + t.path("refId")));
      }
    }
  }

  @Test
  void rowsCoverLeaderAndDispatchSourcesFleetAgentsHandoversAndLoad() {
    List<String> rows = new ArrayList<>();
    for (JsonNode panel : panels(dashboard())) {
      if (panel.path("type").asText().equals("row")) {
        rows.add(panel.path("title").asText());
      }
    }
    assertEquals(
        List.of(
            "Leader and dispatch",
            "Sources",
            "Fleet",
            "Agents",
            "Handovers",
            "Placement by load and heavy queries"),
        rows);
  }

  @ParameterizedTest
  @EnumSource(PrometheusVersion.class)
  void everyQueryIsPromqlThePrometheusReleasesAccept(PrometheusVersion release) throws IOException {
    Map<String, String> queries = queries(dashboard());
    ArrayNode rules = YAML.createArrayNode();
    queries.forEach(
        (record, expr) -> {
          ObjectNode rule = rules.addObject();
          rule.put("record", record);
          rule.put("expr", expr);
        });
    ObjectNode file = YAML.createObjectNode();
    file.putArray("groups").addObject().put("name", "dashboard").set("rules", rules);
    Path path = dir.resolve("dashboard-queries.yml");
    YAML.writeValue(path.toFile(), file);
    Exec.Result r = AlertingRulesTest.promtool(release, "check", "rules", path.toString());
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.stdout().contains("SUCCESS: " + queries.size() + " rules found"), r::toString);
  }

  /** Every panel query as promtool sees it, by a recording-rule name naming panel and query. */
  private static Map<String, String> queries(JsonNode d) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode panel : panels(d)) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
          expr = expr.replace(v.getKey(), v.getValue());
        }
        String record =
            "dashboard:panel_" + panel.path("id").asInt() + "_" + target.path("refId").asText();
        assertFalse(expr.contains("$"), record + ": an unknown variable in " + expr);
        out.put(record, expr);
      }
    }
    assertTrue(out.size() > 20, "the dashboard has queries: " + out.size());
    return out;
  }

  /** The dashboard's panels, those inside collapsed rows included. */
  private static List<JsonNode> panels(JsonNode d) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode panel : d.path("panels")) {
      out.add(panel);
      panel.path("panels").forEach(out::add);
    }
    return out;
  }

  private static JsonNode variable(JsonNode d, String name) {
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no variable " + name);
  }

  private static void assertDatasource(JsonNode node, String what) {
    JsonNode ds = node.path("datasource");
    assertEquals("prometheus", ds.path("type").asText(), what + ": datasource " + ds);
    assertEquals(DATASOURCE, ds.path("uid").asText(), what + ": datasource " + ds);
  }

  private static JsonNode dashboard() {
    Path path = BuiltPackages.dashboard();
    try {
      return JSON.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }
}
