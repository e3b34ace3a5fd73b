package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The alerting rules the coordinator package ships, checked by the promtool of every Prometheus
 * release the project supports: their syntax ({@code promtool check rules}) and their behaviour
 * ({@code promtool test rules} on src/test/resources/prometheus/prome-shard-alerts-test.yml, which
 * gives each alert series that fire it and series that do not).
 */
class AlertingRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String TESTS = "prome-shard-alerts-test.yml";
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(PrometheusVersion.class)
  void promtoolAcceptsEveryRule(PrometheusVersion release) {
    Exec.Result r =
        promtool(release, "check", "rules", BuiltPackages.alertingRules().toString()).ok();
    assertTrue(r.stdout().contains("SUCCESS: " + alerts().size() + " rules found"), r::toString);
  }

  @ParameterizedTest
  @EnumSource(PrometheusVersion.class)
  void unitTestsFireEachAlertOnlyWhenItsSeriesSaySo(PrometheusVersion release) throws IOException {
    // the tests name the rules file beside them, as it is in a checkout of both folders
    Path rules = BuiltPackages.alertingRules();
    Files.copy(rules, dir.resolve(rules.getFileName()));
    Path tests =
        Files.copy(
            BuiltPackages.testResources().resolve("prometheus").resolve(TESTS), dir.resolve(TESTS));
    Exec.Result r = promtool(release, "test", "rules", tests.toString());
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.stdout().contains("SUCCESS"), r::toString);
  }

  @Test
  void everyAlertHasASeverityAnnotationsPointingAtTheReadmeAndAUnitTestThatFiresIt() {
    Map<String, JsonNode> alerts = alerts();
    Set<String> fired = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode test :
        read(BuiltPackages.testResources().resolve("prometheus").resolve(TESTS)).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        (check.path("exp_alerts").isEmpty() ? quiet : fired).add(check.path("alertname").asText());
      }
    }
    List<String> problems = new ArrayList<>();
    alerts.forEach(
        (name, rule) -> {
          if (!SEVERITIES.contains(rule.path("labels").path("severity").asText())) {
            problems.add(name + ": severity label not one of " + SEVERITIES);
          }
          if (rule.path("annotations").path("summary").asText().isBlank()) {
            problems.add(name + ": no summary");
          }
          if (!rule.path("annotations").path("description").asText().contains("README")) {
            problems.add(name + ": the description does not point at the README");
          }
          if (!fired.contains(name)) {
            problems.add(name + ": no unit test fires it");
          }
        });
    assertEquals(List.of(), problems);
    assertTrue(
        alerts.keySet().containsAll(fired), "unit tests of alerts that do not exist: " + fired);
    assertTrue(
        quiet.size() >= alerts.size() / 2,
        "most alerts have a check that they stay quiet: " + quiet);
  }

  /** The alerting rules by alert name, in file order of their groups. */
  private static Map<String, JsonNode> alerts() {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode group : read(BuiltPackages.alertingRules()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText();
        assertTrue(!name.isEmpty(), "a rule without an alert name: " + rule);
        assertTrue(out.put(name, rule) == null, "alert " + name + " defined twice");
      }
    }
    return out;
  }

  private static JsonNode read(Path yaml) {
    try {
      return YAML.readTree(yaml.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + yaml, e);
    }
  }

  static Exec.Result promtool(PrometheusVersion release, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Binaries.promtool(release).toString());
    command.addAll(List.of(args));
    return Exec.run(command, Map.of(), Duration.ofSeconds(60));
  }
}
