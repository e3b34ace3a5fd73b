package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.testkit.ConsulExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every node's slow-query report read at once from a real Consul, bad ones set aside. */
class QueryReportsTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private static QueryReport report(String node, String expr) {
    return new QueryReport(
        node,
        "2026-12-01T00:00:00Z",
        "/q.log",
        1,
        List.of(new QueryReport.Entry(expr, 2, 1)),
        3,
        0,
        0);
  }

  @Test
  void readableReportsByNodeAndTheRestWithTheReason() throws Exception {
    consul.clearKv();
    KvLayout layout = KvLayout.defaults();
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()))) {
      KvClient kv = new KvClient(http);
      kv.put(layout.queryReport("p1"), Json.encode(report("p1", "sum(a)")));
      // a newer agent's field is ignored
      kv.put(
          layout.queryReport("p2"),
          new String(Json.encode(report("p2", "sum(b)")), StandardCharsets.UTF_8)
              .replaceFirst("\\{", "{\"new_field\":1,")
              .getBytes(StandardCharsets.UTF_8));
      kv.put(layout.queryReport("p3"), Json.encode(report("p1", "sum(c)")));
      kv.put(layout.queryReport("p4"), "not json".getBytes(StandardCharsets.UTF_8));
      kv.put(layout.reportsDir() + "p5/other", "{}".getBytes(StandardCharsets.UTF_8));

      QueryReports.All all = QueryReports.read(kv, layout);

      assertEquals(Set.of("p1", "p2"), all.reports().keySet());
      assertEquals("sum(b)", all.reports().get("p2").report().queries().get(0).expr());
      assertTrue(all.reports().get("p1").modifyIndex() > 0);
      assertEquals(
          Set.of(layout.queryReport("p3"), layout.queryReport("p4")), all.problems().keySet());
      assertTrue(
          all.problems()
              .get(layout.queryReport("p3"))
              .contains("report of node p1 under the key of node p3"),
          all.problems().toString());
    }
  }
}
