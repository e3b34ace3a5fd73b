package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code status/<node>} stays readable across agent versions. */
class NodeStatusTest {
  private static final String KEY = "prome-shard/status/n1";

  @Test
  void rejectedRulesRoundTripAndAreLeftOutWhenNone() {
    NodeStatus with =
        new NodeStatus(
            "n1",
            3,
            1,
            List.of(),
            null,
            "",
            "",
            List.of(new NodeStatus.RejectedRule("heavy", "job:broken:sum", "parse error")));
    String json = new String(Json.encode(with), StandardCharsets.UTF_8);
    assertTrue(
        json.contains(
            "\"rejected_rules\":[{\"error\":\"parse error\",\"group\":\"heavy\","
                + "\"record\":\"job:broken:sum\"}]"),
        json);
    assertEquals(with, Json.decode(KEY, Json.encode(with), NodeStatus.class));

    String without =
        new String(
            Json.encode(NodeStatus.of("n1", 3, 1, List.of(), null, "", "")),
            StandardCharsets.UTF_8);
    assertFalse(without.contains("rejected_rules"), without);
  }

  @Test
  void fieldsANewerAgentAddsAreIgnored() {
    byte[] newer =
        ("{\"node\":\"n1\",\"applied_generation\":4,\"epoch\":2,\"files\":[],"
                + "\"last_error\":\"\",\"updated_at\":\"t\",\"something_new\":{\"x\":1}}")
            .getBytes(StandardCharsets.UTF_8);
    NodeStatus s = Json.decode(KEY, newer, NodeStatus.class);
    assertEquals(4, s.appliedGeneration());
    assertEquals(List.of(), s.rejectedRules());
  }

  @Test
  void whatTheAgentObservedRoundTripsAndIsLeftOutByAgentsThatDoNotObserve() {
    NodeStatus.Observed observed =
        new NodeStatus.Observed(List.of("web/10.0.0.1:80"), 3, List.of("heavy_expr_record"));
    NodeStatus with = new NodeStatus("n1", 3, 1, List.of(), null, "", "t", List.of(), observed);
    String json = new String(Json.encode(with), StandardCharsets.UTF_8);
    assertTrue(
        json.contains(
            "\"observed\":{\"unevaluated\":[\"heavy_expr_record\"],"
                + "\"unscraped\":[\"web/10.0.0.1:80\"],\"unscraped_count\":3}"),
        json);
    NodeStatus back = Json.decodeWire(KEY, Json.encode(with), NodeStatus.class);
    assertEquals(with, back);
    assertFalse(back.observed().complete(), "3 unscraped, 1 named");
    assertEquals(with.at(""), back.at(""));

    String without =
        new String(
            Json.encode(NodeStatus.of("n1", 3, 1, List.of(), null, "", "")),
            StandardCharsets.UTF_8);
    assertFalse(without.contains("observed"), without);
  }

  @Test
  void anObservationCountingFewerTargetsThanItNamesIsRefused() {
    byte[] bad =
        ("{\"node\":\"n1\",\"applied_generation\":4,\"epoch\":2,"
                + "\"observed\":{\"unscraped\":[\"a/b:1\",\"a/c:1\"],\"unscraped_count\":1}}")
            .getBytes(StandardCharsets.UTF_8);
    ProtocolException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ProtocolException.class, () -> Json.decodeWire(KEY, bad, NodeStatus.class));
    assertTrue(e.getMessage().contains("unscraped_count 1"), e.getMessage());
  }
}
