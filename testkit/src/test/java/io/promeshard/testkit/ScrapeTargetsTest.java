package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The targets answer /metrics on every port, count their scrapes, and a real Prometheus agrees. */
class ScrapeTargetsTest {
  private static final int COUNT = 70;

  private final LocalHttp http = new LocalHttp();

  @Test
  void everyPortAnswersMetricsAndCountsItsScrapesUntilClosed() throws IOException {
    List<String> addresses;
    try (ScrapeTargets targets = ScrapeTargets.start(COUNT)) {
      addresses = targets.addresses();
      assertEquals(COUNT, addresses.size());
      assertEquals(COUNT, new HashSet<>(addresses).size(), "distinct ports: " + addresses);
      for (String address : addresses) {
        assertTrue(address.startsWith("127.0.0.1:"), address);
        LocalHttp.Reply reply = http.send("GET", "http://" + address + "/metrics", null, null);
        assertEquals(200, reply.status(), address);
        assertEquals("synthetic_up 1\n", reply.body(), address);
      }
      String first = addresses.get(0);
      http.send("GET", "http://" + first + "/metrics", null, null);
      assertEquals(2, targets.scrapes(first));
      assertEquals(1, targets.scrapes(addresses.get(COUNT - 1)));
      assertEquals(404, http.send("GET", "http://" + first + "/other", null, null).status());
      assertEquals(2, targets.scrapes(first), "only /metrics counts");
      assertThrows(IllegalArgumentException.class, () -> targets.scrapes("127.0.0.1:1"));
    }
    for (String address : List.of(addresses.get(0), addresses.get(COUNT - 1))) {
      assertThrows(
          IOException.class,
          () -> http.send("GET", "http://" + address + "/metrics", null, null),
          address + " closed");
    }
  }

  @Test
  void aPortServesAsManySeriesAsSetUntilChanged() throws IOException {
    try (ScrapeTargets targets = ScrapeTargets.withSeries(3, 0, 2000)) {
      List<String> a = targets.addresses();
      assertEquals(
          "synthetic_series{i=\"0\"} 1\nsynthetic_series{i=\"1\"} 1\nsynthetic_series{i=\"2\"} 1\n",
          metrics(a.get(0)));
      assertEquals("", metrics(a.get(1)));
      List<String> big = metrics(a.get(2)).lines().toList();
      assertEquals(2000, new HashSet<>(big).size());
      assertEquals("synthetic_series{i=\"1999\"} 1", big.get(1999));

      targets.setSeries(a.get(2), 5);
      assertEquals(5, metrics(a.get(2)).lines().count(), "from the next scrape on");
      assertThrows(IllegalArgumentException.class, () -> targets.setSeries(a.get(0), -1));
      assertThrows(
          IllegalArgumentException.class,
          () -> targets.setSeries(a.get(0), ScrapeTargets.MAX_SERIES + 1));
      assertThrows(IllegalArgumentException.class, () -> targets.setSeries("127.0.0.1:1", 1));
    }
  }

  private String metrics(String address) throws IOException {
    LocalHttp.Reply reply = http.send("GET", "http://" + address + "/metrics", null, null);
    assertEquals(200, reply.status(), address);
    return reply.body();
  }

  @Test
  void aRealPrometheusScrapesEveryTargetUp(@TempDir Path dir) {
    try (ScrapeTargets targets = ScrapeTargets.start(COUNT)) {
      String list =
          targets.addresses().stream().map(a -> "'" + a + "'").collect(Collectors.joining(", "));
      String yml =
          String.join(
              "\n",
              "global: {scrape_interval: 1s, scrape_timeout: 1s}",
              "scrape_configs:",
              "  - job_name: synthetic",
              "    static_configs:",
              "      - targets: [" + list + "]",
              "");
      try (PrometheusServer prom = PrometheusServer.start(dir, yml)) {
        Await.until(
            Duration.ofSeconds(30),
            "all " + COUNT + " targets up with synthetic_up 1",
            () ->
                prom.get("/api/v1/query?query=count(synthetic_up%3D%3D1)")
                    .contains("\"" + COUNT + "\"]"));
        assertTrue(
            prom.get("/api/v1/query?query=count(up%3D%3D0)").contains("\"result\":[]"),
            "no target down");
        targets.addresses().forEach(a -> assertTrue(targets.scrapes(a) > 0, a));
      }
    }
  }
}
