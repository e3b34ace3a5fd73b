package io.promeshard.coordinator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.consul.ConsulHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How one /v1/health/service reply becomes healthy, unhealthy and draining nodes. */
class NodeHealthFetcherTest {
  private static HealthSnapshot parse(String json) throws IOException {
    return NodeHealthFetcher.parse(
        "GET health/service/prome-shard-node", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String instance(String consulNode, String id, String meta, String... checks) {
    return "{\"Node\":{\"Node\":\""
        + consulNode
        + "\"},\"Service\":{\"ID\":\""
        + id
        + "\",\"Service\":\"prome-shard-node\",\"Meta\":"
        + meta
        + "},\"Checks\":["
        + String.join(",", checks)
        + "]}";
  }

  private static String check(String id, String status) {
    return "{\"CheckID\":\"" + id + "\",\"Status\":\"" + status + "\"}";
  }

  private static String serf() {
    return check("serfHealth", "passing");
  }

  @Test
  void instancePassingEveryCheckIsHealthyWithWeightAndZoneFromMeta() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance(
                    "h1",
                    "prom-a",
                    "{\"weight\":\"2.5\",\"zone\":\"z1\"}",
                    serf(),
                    check("service:prom-a", "passing"))
                + ","
                + instance("h2", "prom-b", "null", serf())
                + "]");
    assertEquals(
        Map.of("prom-a", new Member("prom-a", 2.5, "z1"), "prom-b", new Member("prom-b", 1, "")),
        s.healthy());
    assertEquals(Set.of(), s.unhealthy());
    assertEquals(List.of(), s.problems());
  }

  @Test
  void warningOrCriticalCheckMakesInstanceUnhealthy() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance("h1", "prom-a", "{}", serf(), check("service:prom-a", "critical"))
                + ","
                + instance(
                    "h2",
                    "prom-b",
                    "{}",
                    check("serfHealth", "warning"),
                    check("service:prom-b", "passing"))
                + "]");
    assertEquals(Set.of("prom-a", "prom-b"), s.unhealthy());
    assertTrue(s.healthy().isEmpty());
    assertEquals(RawHealth.UNHEALTHY, s.stateOf("prom-a"));
    assertEquals(RawHealth.ABSENT, s.stateOf("prom-z"));
  }

  @Test
  void serviceOrNodeMaintenanceDrains() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance(
                    "h1",
                    "prom-a",
                    "{}",
                    serf(),
                    check("service:prom-a", "passing"),
                    check("_service_maintenance:prom-a", "critical"))
                + ","
                + instance("h2", "prom-b", "{}", serf(), check("_node_maintenance", "critical"))
                + ","
                + instance(
                    "h3", "prom-c", "{}", serf(), check("_service_maintenance:other", "critical"))
                + "]");
    assertEquals(Set.of("prom-a", "prom-b"), s.draining());
    assertEquals(
        Set.of("prom-c"), s.unhealthy(), "another service's maintenance is just a failing check");
  }

  @Test
  void invalidServiceIdIsSkippedAndNamed() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance("h1", "../etc", "{}", serf())
                + ","
                + instance("h2", "prom-b", "{}", serf())
                + "]");
    assertEquals(Set.of("prom-b"), s.healthy().keySet());
    assertEquals(1, s.problems().size());
    assertTrue(
        s.problems().get(0).contains("\"../etc\"") && s.problems().get(0).contains("h1"),
        s.problems().get(0));
  }

  @Test
  void maxSeriesComesFromMetaAndABadValueIsIgnoredAndNamed() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance("h1", "prom-a", "{\"max_series\":\"2000000\"}", serf())
                + ","
                + instance("h2", "prom-b", "{\"max_series\":\"lots\"}", serf())
                + ","
                + instance("h3", "prom-c", "{\"max_series\":\"-5\"}", serf())
                + ","
                + instance("h4", "prom-d", "{}", serf())
                + "]");
    assertEquals(2_000_000, s.healthy().get("prom-a").maxSeries());
    assertEquals(0, s.healthy().get("prom-b").maxSeries());
    assertEquals(0, s.healthy().get("prom-c").maxSeries());
    assertEquals(0, s.healthy().get("prom-d").maxSeries());
    assertEquals(2, s.problems().size(), s.problems().toString());
    assertTrue(
        s.problems().get(0).contains("prom-b")
            && s.problems().get(0).contains("max_series \"lots\""),
        s.problems().get(0));
  }

  @Test
  void badWeightFallsBackToOneAndIsNamed() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance("h1", "prom-a", "{\"weight\":\"heavy\"}", serf())
                + ","
                + instance("h2", "prom-b", "{\"weight\":\"-3\"}", serf())
                + ","
                + instance("h3", "prom-c", "{\"weight\":\"NaN\"}", serf())
                + "]");
    s.healthy().values().forEach(m -> assertEquals(1.0, m.weight(), m.name()));
    assertEquals(3, s.problems().size());
    assertTrue(
        s.problems().get(0).contains("prom-a") && s.problems().get(0).contains("\"heavy\""),
        s.problems().get(0));
  }

  @Test
  void instanceRegisteredTwiceCountsAtItsBestStateUnlessDraining() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + instance("h1", "prom-a", "{}", check("serfHealth", "critical"))
                + ","
                + instance("h2", "prom-a", "{\"zone\":\"z2\"}", serf())
                + ","
                + instance("h1", "prom-b", "{}", serf())
                + ","
                + instance("h2", "prom-b", "{}", serf(), check("_node_maintenance", "critical"))
                + "]");
    assertEquals(Map.of("prom-a", new Member("prom-a", 1, "z2")), s.healthy());
    assertEquals(Set.of("prom-b"), s.draining());
    assertEquals(2, s.problems().size());
  }

  private static String hosted(String consulNode, String address, String id, String meta) {
    return "{\"Node\":{\"Node\":\""
        + consulNode
        + "\",\"Address\":\""
        + address
        + "\"},\"Service\":{\"ID\":\""
        + id
        + "\",\"Service\":\"prome-shard-node\",\"Port\":9090,\"Meta\":"
        + meta
        + "},\"Checks\":["
        + serf()
        + ","
        + check("service:" + id, "passing")
        + "]}";
  }

  @Test
  void aNameTwoLiveHostsClaimIsDrainedAndItsConflictNamesBothAddresses() throws IOException {
    HealthSnapshot s =
        parse(
            "["
                + hosted("host-a", "10.0.0.1", "prom-1", "{}")
                + ","
                + hosted("host-b", "10.0.0.2", "prom-1", "{}")
                + ","
                + hosted("host-c", "10.0.0.3", "prom-2", "{}")
                + "]");
    assertEquals(Set.of("prom-2"), s.healthy().keySet());
    assertEquals(Set.of("prom-1"), s.draining(), "neither host keeps the share: no doubles");
    assertEquals(RawHealth.DRAINING, s.stateOf("prom-1"));
    assertEquals(
        Map.of(
            "prom-1",
            "node name prom-1 is claimed by 2 live registrations: Consul node host-a (address"
                + " 10.0.0.1, service 10.0.0.1:9090) and Consul node host-b (address 10.0.0.2,"
                + " service 10.0.0.2:9090); excluded until only one remains (give each host its"
                + " own node name)"),
        s.conflicts());
  }

  @Test
  void withNodeBindingOnlyTheRegistrationOnTheSameNamedConsulNodeCounts() throws IOException {
    String reply =
        "["
            + hosted("prom-1", "10.0.0.1", "prom-1", "{\"weight\":\"2\"}")
            + ","
            + hosted("prom-1", "10.0.0.1", "fake-1", "{\"weight\":\"1000\"}")
            + ","
            + hosted("prom-2", "10.0.0.2", "prom-1", "{}")
            + "]";
    HealthSnapshot bound =
        NodeHealthFetcher.parse(
            ConsulHttp.jsonArray("test", reply.getBytes(StandardCharsets.UTF_8)),
            new MemberPolicy(true, 10));
    assertEquals(Map.of("prom-1", new Member("prom-1", 2, "")), bound.healthy());
    assertEquals(Map.of(), bound.conflicts(), "the copy on Consul node prom-2 does not count");
    assertEquals(2, bound.ignored());
    assertTrue(
        bound.problems().stream()
            .anyMatch(
                p ->
                    p.startsWith(
                            "node fake-1 is registered on Consul node prom-1 (address 10.0.0.1")
                        && p.endsWith("ignored (node_binding consul_node)")),
        bound.problems().toString());

    HealthSnapshot unbound = parse(reply);
    assertEquals(Set.of("fake-1"), unbound.healthy().keySet());
    assertEquals(Set.of("prom-1"), unbound.conflicts().keySet());
    assertEquals(10.0, unbound.healthy().get("fake-1").weight(), "weight 1000 capped");
  }

  @Test
  void weightAboveTheCapIsCappedAndNamed() throws IOException {
    HealthSnapshot s = parse("[" + instance("h1", "prom-a", "{\"weight\":\"1000\"}", serf()) + "]");
    assertEquals(MemberPolicy.DEFAULT_MAX_WEIGHT, s.healthy().get("prom-a").weight());
    assertEquals(
        List.of("node prom-a: Meta weight 1000 is above max_weight 10.0; using 10.0"),
        s.problems());
  }

  @Test
  void malformedReplyIsAnIoErrorNamingTheRequest() {
    IOException e = assertThrows(IOException.class, () -> parse("{\"not\":\"an array\"}"));
    assertTrue(e.getMessage().contains("health/service/prome-shard-node"), e.getMessage());
  }
}
