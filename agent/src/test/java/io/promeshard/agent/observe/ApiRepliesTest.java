package io.promeshard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replies captured from Prometheus 2.42, 2.53 and 3.5 reading {@code /tmp/obs/sd/*.json} (job
 * "web": 127.0.0.1:1 kept, 127.0.0.1:2 dropped by relabeling; 127.0.0.1:3 and :5 in other.json),
 * {@code /tmp/obs/sd/slow/*.json} (1 h interval, not scraped yet), a static target and the rule
 * groups g1 (1 s) and g3 (1 h, not evaluated yet) in {@code /tmp/obs/rules}.
 */
class ApiRepliesTest {
  private static final OwnFiles SD = new OwnFiles(Path.of("/tmp/obs/sd"), ".json");
  private static final OwnFiles RULES = new OwnFiles(Path.of("/tmp/obs/rules"), ".yml");

  private static InputStream fixture(String name) {
    InputStream in = ApiRepliesTest.class.getResourceAsStream(name);
    if (in == null) {
      throw new AssertionError("missing fixture " + name);
    }
    return in;
  }

  private static InputStream json(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "prometheus {0}")
  @ValueSource(strings = {"2.42", "2.53", "3.5"})
  void targetsOfTheAgentsFilesAreReadWithTheirLastScrapeAndDroppedOnesAsDropped(String version)
      throws IOException {
    Map<String, Map<String, Instant>> seen;
    try (InputStream in = fixture("targets-" + version + ".json")) {
      seen = ApiReplies.targets(in, SD, (job, address) -> true);
    }
    assertEquals(Set.of("web", "other"), seen.keySet(), "slow/ and the static job are not ours");
    assertEquals(FirstScrapes.DROPPED, seen.get("web").get("127.0.0.1:2"));
    Instant scraped = seen.get("web").get("127.0.0.1:1");
    assertTrue(scraped.isAfter(Instant.parse("2026-12-01T11:00:00Z")), scraped.toString());
    assertEquals(2, seen.get("other").size());
  }

  @ParameterizedTest(name = "prometheus {0}")
  @ValueSource(strings = {"2.42", "2.53", "3.5"})
  void onlyWantedTargetsAreKept(String version) throws IOException {
    try (InputStream in = fixture("targets-" + version + ".json")) {
      assertEquals(
          Map.of("other", Map.of("127.0.0.1:3", ApiReplies.time(lastScrapeOf3(version)))),
          ApiReplies.targets(in, SD, (job, address) -> address.equals("127.0.0.1:3")));
    }
  }

  private static String lastScrapeOf3(String version) {
    return switch (version) {
      case "2.42" -> "2026-12-01T11:14:57.405346021Z";
      case "2.53" -> "2026-12-01T11:15:09.404507024Z";
      default -> "2026-12-01T11:15:22.610991183Z";
    };
  }

  @ParameterizedTest(name = "prometheus {0}")
  @ValueSource(strings = {"2.42", "2.53", "3.5"})
  void ruleGroupsOfTheAgentsFilesAreReadWithTheirLastEvaluation(String version) throws IOException {
    Map<String, Instant> groups;
    try (InputStream in = fixture("rules-" + version + ".json")) {
      groups = ApiReplies.rules(in, RULES);
    }
    assertEquals(Set.of("g1", "g3"), groups.keySet());
    assertEquals(FirstScrapes.NEVER, groups.get("g3"), "1 h group: not evaluated yet");
    assertTrue(groups.get("g1").isAfter(Instant.parse("2026-12-01T11:00:00Z")));
  }

  @Test
  void aTargetListedTwiceKeepsItsLeastScrapedEntry() throws IOException {
    String reply =
        "{\"status\":\"success\",\"data\":{\"activeTargets\":["
            + target("2026-12-01T10:00:05Z")
            + ","
            + target("0001-01-01T00:00:00Z")
            + "],\"droppedTargets\":[{\"discoveredLabels\":{\"__address__\":\"a:1\","
            + "\"__meta_filepath\":\"/tmp/obs/sd/web.json\"}}]}}";
    assertEquals(
        Map.of("web", Map.of("a:1", FirstScrapes.NEVER)),
        ApiReplies.targets(json(reply), SD, (j, a) -> true));
  }

  private static String target(String lastScrape) {
    return "{\"discoveredLabels\":{\"__address__\":\"a:1\",\"__meta_filepath\":"
        + "\"/tmp/obs/sd/web.json\",\"x\":{\"nested\":[1,2]}},\"labels\":{\"job\":\"web\"},"
        + "\"lastScrape\":\""
        + lastScrape
        + "\",\"health\":\"up\"}";
  }

  @Test
  void timesWithAnOffsetAndWithoutFractionsAreRead() throws IOException {
    assertEquals(
        Instant.parse("2026-12-01T09:00:00.123456789Z"),
        ApiReplies.time("2026-12-01T10:00:00.123456789+01:00"));
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), ApiReplies.time("2026-12-01T10:00:00Z"));
    assertEquals(FirstScrapes.NEVER, ApiReplies.time("0001-01-01T00:00:00Z"));
    assertThrows(IOException.class, () -> ApiReplies.time("yesterday"));
  }

  @Test
  void anErrorReplyOrBrokenJsonThrowsAndNamesTheProblem() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                ApiReplies.targets(
                    json("{\"status\":\"error\",\"errorType\":\"x\",\"error\":\"boom\"}"),
                    SD,
                    (j, a) -> true));
    assertTrue(e.getMessage().contains("boom"), e.getMessage());
    assertThrows(IOException.class, () -> ApiReplies.rules(json("{\"data\":{}}"), RULES));
    assertThrows(
        IOException.class,
        () ->
            ApiReplies.targets(
                json("{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"discov"),
                SD,
                (j, a) -> true));
    assertThrows(IOException.class, () -> ApiReplies.rules(json("[]"), RULES));
  }

  @Test
  void nullListsAndUnknownFieldsAreFine() throws IOException {
    assertEquals(
        Map.of(),
        ApiReplies.targets(
            json(
                "{\"status\":\"success\",\"warnings\":[\"w\"],\"data\":{\"activeTargets\":null,"
                    + "\"droppedTargetCounts\":{\"web\":1}}}"),
            SD,
            (j, a) -> true));
    assertEquals(
        Map.of(),
        ApiReplies.rules(json("{\"data\":{\"groups\":[]},\"status\":\"success\"}"), RULES));
  }

  @Test
  void aGroupCountsOnlyInItsOwnFile() throws IOException {
    String reply =
        "{\"status\":\"success\",\"data\":{\"groups\":["
            + "{\"name\":\"g1\",\"file\":\"/tmp/obs/rules/other.yml\",\"lastEvaluation\":"
            + "\"2026-12-01T10:00:00Z\"},"
            + "{\"name\":\"g2\",\"file\":\"/etc/prometheus/g2.yml\",\"lastEvaluation\":"
            + "\"2026-12-01T10:00:00Z\"}]}}";
    assertEquals(Map.of(), ApiReplies.rules(json(reply), RULES));
  }
}
