package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.RecordRule;
import io.promeshard.testkit.Binaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry archive is a rule file the real promtool accepts, holding exactly the registry. */
class RuleArchiveTest {
  @TempDir Path dir;

  static final List<String> TRICKY =
      List.of(
          "sum by (job) (rate(http_requests_total{path=~\"/api/.*\", code!=\"500\"}[5m]))",
          "label_replace(up, \"dst\", \"$1: #x\", \"instance\", \"(.*)\")",
          "up\n  + on(instance) group_left\n  node_load1",
          "count(up{job='it\\'s'})",
          "up{name=\"ünïcødé ☃\"}",
          "- 1 * up",
          "{__name__=~\"node_.+\"}",
          "  sum(up) # trailing comment ");

  static String promtoolCheck(Path file) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(Binaries.promtool().toString(), "check", "rules", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool finished");
    assertEquals(0, p.exitValue(), "promtool check rules " + file + ":\n" + out);
    return out;
  }

  @Test
  void archiveOfTheRegistryPassesPromtoolAndParsesBackToTheSameRules() throws Exception {
    List<RecordRule> rules = new ArrayList<>();
    TRICKY.forEach(e -> rules.add(RecordNaming.defaults().rule(e)));
    Path file =
        RuleArchive.write(
            dir, "heavy_expr_record", Duration.ofSeconds(90), rules, LocalDate.of(2024, 5, 1));
    assertEquals(dir.resolve("record_8_2024-05-01.yml"), file);
    assertTrue(promtoolCheck(file).contains("SUCCESS: 8 rules found"));

    JsonNode doc = new YAMLMapper().readTree(file.toFile());
    JsonNode group = doc.path("groups").get(0);
    assertEquals(1, doc.path("groups").size());
    assertEquals("heavy_expr_record", group.path("name").asText());
    assertEquals("1m30s", group.path("interval").asText());
    List<RecordRule> back = new ArrayList<>();
    group
        .path("rules")
        .forEach(r -> back.add(new RecordRule(r.path("record").asText(), r.path("expr").asText())));
    assertEquals(rules, back);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void rewritingTheSameDayAndCountReplacesTheFileWhole() throws Exception {
    List<RecordRule> a = List.of(RecordNaming.defaults().rule("up"));
    List<RecordRule> b = List.of(RecordNaming.defaults().rule("sum(up)"));
    Path first = RuleArchive.write(dir, "g", Duration.ofSeconds(30), a, LocalDate.of(2024, 5, 1));
    Path second = RuleArchive.write(dir, "g", Duration.ofSeconds(30), b, LocalDate.of(2024, 5, 1));
    assertEquals(first, second);
    String text = Files.readString(second, StandardCharsets.UTF_8);
    assertTrue(text.contains("sum(up)") && !text.contains("\"up\""), text);
    promtoolCheck(second);
  }

  @Test
  void emptyRegistryStillGivesAValidRuleFile() throws Exception {
    Path file =
        RuleArchive.write(
            dir, "heavy_expr_record", Duration.ofSeconds(30), List.of(), LocalDate.of(2024, 5, 1));
    assertEquals("record_0_2024-05-01.yml", file.getFileName().toString());
    promtoolCheck(file);
  }
}
