package io.promeshard.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promeshard.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A job spec written from memory of Prometheus' config fails with the right shape in the error. */
class JobSpecSlipsTest {
  private static final String KEY = "prome-shard/config/jobs/web";
  private static final String GROUP = "{\"targets\":[\"a:9100\"]}";
  private static final String STATIC = "{\"type\":\"static\",\"groups\":[" + GROUP + "]}";
  private static final String TREE =
      "{\"type\":\"service_tree\",\"url\":\"http://c\","
          + "\"labels\":[{\"key\":\"a\",\"value\":\"b\",\"type\":1}]";

  static Stream<Arguments> slips() {
    return Stream.of(
        Arguments.of(
            "static_configs habit: targets on the static source",
            "{\"sources\":[{\"type\":\"static\",\"targets\":[\"a:9100\"]}]}",
            "unknown field \"targets\" at sources[0]: a static source takes \"groups\":"
                + " [{\"targets\": [...], \"labels\": {...}}]"),
        Arguments.of(
            "labels beside groups instead of inside a group",
            "{\"sources\":["
                + STATIC
                + ",{\"type\":\"static\",\"groups\":["
                + GROUP
                + "],\"labels\":{\"env\":\"prod\"}}]}",
            "unknown field \"labels\" at sources[1]: labels go in each group, \"groups\":"
                + " [{\"targets\": [...], \"labels\": {...}}], or in the job's \"labels\" for all"
                + " its targets"),
        Arguments.of(
            "labels on a discovery source",
            "{\"sources\":[{\"type\":\"consul\",\"service\":\"node\",\"labels\":{\"env\":\"prod\"}}]}",
            "unknown field \"labels\" at sources[0]: a consul source takes no labels; set them in"
                + " the job's \"labels\" for all its targets"),
        Arguments.of(
            "a misspelt group field",
            "{\"sources\":["
                + STATIC
                + ",{\"type\":\"static\",\"groups\":["
                + GROUP
                + ",{\"target\":[\"b:9100\"]}]}]}",
            "unknown field \"target\" at sources[1].groups[1]: a group takes {\"targets\": [...],"
                + " \"labels\": {...}}"),
        Arguments.of(
            "one address instead of a list",
            "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":\"a:9100\"}]}]}",
            "sources[0].groups[0].targets: expected a list of addresses, e.g. [\"host:9100\"],"
                + " found the string \"a:9100\""),
        Arguments.of(
            "group labels as a list",
            "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"a:9100\"],"
                + "\"labels\":[\"env=prod\"]}]}]}",
            "sources[0].groups[0].labels: expected an object of label names to values, e.g."
                + " {\"env\": \"prod\"}, found a list"),
        Arguments.of(
            "a group object instead of a list",
            "{\"sources\":[{\"type\":\"static\",\"groups\":" + GROUP + "}]}",
            "sources[0].groups: expected a list of groups, [{\"targets\": [...], \"labels\":"
                + " {...}}], found an object"),
        Arguments.of(
            "targets at the job level",
            "{\"targets\":[\"a:9100\"]}",
            "unknown field \"targets\": a job's targets come from \"sources\": [{\"type\":"
                + " \"static\", \"groups\": [{\"targets\": [...], \"labels\": {...}}]}]"),
        Arguments.of(
            "a Prometheus scrape config pasted in",
            "{\"static_configs\":[" + GROUP + "]}",
            "unknown field \"static_configs\": that is Prometheus' scrape config; a job lists"
                + " \"sources\", here a source of \"type\": \"static\""),
        Arguments.of(
            "file_sd_configs pasted in",
            "{\"sources\":[" + STATIC + "],\"file_sd_configs\":[{\"files\":[\"/t/*.json\"]}]}",
            "unknown field \"file_sd_configs\": that is Prometheus' scrape config; a job lists"
                + " \"sources\", here a source of \"type\": \"file\""),
        Arguments.of(
            "one source object instead of a list",
            "{\"sources\":" + STATIC + "}",
            "sources: expected a list of sources, e.g. [{\"type\": \"static\", \"groups\":"
                + " [...]}], found an object"),
        Arguments.of(
            "job labels as a list",
            "{\"sources\":[" + STATIC + "],\"labels\":[\"team\"]}",
            "labels: expected an object of label names to values, e.g. {\"env\": \"prod\"},"
                + " found a list"),
        Arguments.of(
            "Prometheus' refresh_interval",
            "{\"sources\":[{\"type\":\"file\",\"files\":[\"/t/*.json\"],\"refresh_interval\":\"5m\"}]}",
            "unknown field \"refresh_interval\" at sources[0]: the field is \"refresh\", e.g."
                + " \"refresh\": \"30s\""),
        Arguments.of(
            "a duration without unit",
            "{\"sources\":[{\"type\":\"http_sd\",\"url\":\"http://sd\",\"refresh\":\"30\"}]}",
            "refresh: expected a duration with a unit, e.g. \"30s\", found \"30\" at"
                + " sources[0].refresh"),
        Arguments.of(
            "a duration as a bare number",
            "{\"sources\":[{\"type\":\"http_sd\",\"url\":\"http://sd\",\"refresh\":60}]}",
            "refresh: expected a duration with a unit, e.g. \"60s\", found 60 at"
                + " sources[0].refresh"),
        Arguments.of(
            "a port as a word",
            "{\"sources\":[" + TREE + ",\"default_port\":\"http\"}]}",
            "sources[0].default_port: expected a port number from 1 to 65535, e.g. 9100, found"
                + " \"http\""),
        Arguments.of(
            "a port with its protocol",
            "{\"sources\":[" + STATIC + "," + TREE + ",\"ports\":{\"api\":[9100,\"9101/tcp\"]}}]}",
            "sources[1].ports.api: expected a port number from 1 to 65535, e.g. 9100, found"
                + " [9100,\"9101/tcp\"] (or a list of ports)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("slips")
  void aSlipIsExplainedWithTheRightShape(String slip, String json, String message) {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> JobSpec.parse(KEY, json.getBytes(StandardCharsets.UTF_8)),
            slip);
    assertEquals(KEY + ": " + message, e.getMessage(), slip);
  }

  @Test
  void aPortWrittenAsDigitsInQuotesIsReadAsThatNumber() {
    JobSpec job =
        JobSpec.parse(
            KEY,
            ("{\"sources\":["
                    + TREE
                    + ",\"default_port\":\"9101\",\"ports\":{\"kafka\":\"9308\"}}]}")
                .getBytes(StandardCharsets.UTF_8));
    ServiceTreeSourceSpec tree = (ServiceTreeSourceSpec) job.sources().get(0);
    assertEquals(List.of(9101), tree.portsFor("zk"));
    assertEquals(List.of(9308), tree.portsFor("kafka"));
  }

  @Test
  void errorsWithoutAKnownSlipKeepTheDecodersMessage() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                JobSpec.parse(
                    KEY,
                    ("{\"sources\":[" + STATIC + "],\"wieght\":2}")
                        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(KEY + ": unknown field \"wieght\"", e.getMessage());
  }
}
