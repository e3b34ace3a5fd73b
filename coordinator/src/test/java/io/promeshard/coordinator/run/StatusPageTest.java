package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Chromium;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page at {@code /}, served by a leader and a standby against a real Consul: the fleet
 * table, the held/pending/error list, recent dispatches and the explain search; and once in a real
 * headless Chromium, which keeps a screenshot under {@code target/}.
 */
class StatusPageTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SETTINGS =
      "{\"flap_hold\":\"1s\",\"debounce\":\"100ms\",\"resync_interval\":\"1h\"}";
  private static final int TARGETS = 120;

  @TempDir Path dir;
  private ConsulFleet fleet;
  private final List<Coordinator> running = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fleet = ConsulFleet.cleared(consul);
    fleet.register("p1", 1, "eu-1");
    fleet.register("p2", 1, "eu-2");
    fleet.register("p3", 2, "eu-1");
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    StringBuilder job =
        new StringBuilder("{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[");
    for (int i = 0; i < TARGETS; i++) {
      job.append(i == 0 ? "" : ",").append("\"10.0.0.").append(i).append(":9100\"");
    }
    fleet.putKv("prome-shard/config/jobs/web", job.append("]}]}]}").toString());
    fleet.putKv("prome-shard/config/jobs/broken", "{\"sources\":[{\"type\":\"nope\"}]}");
  }

  @AfterEach
  void tearDown() {
    running.forEach(Coordinator::close);
    fleet.close();
  }

  private Coordinator start() throws Exception {
    Coordinator c =
        new Coordinator(ConsulFleet.coordinatorConfig(consul.url()), DispatchMode.PUBLISH, r -> {})
            .start();
    running.add(c);
    return c;
  }

  /** Starts a leader, waits for its first publish, then starts a standby. */
  private List<Coordinator> leaderAndStandby() throws Exception {
    Coordinator leader = start();
    Await.until(
        WAIT,
        "the first dispatch",
        () -> {
          CoordinatorStatus s = fleet.coordinatorStatus();
          return s != null && s.lastDispatch() != null;
        });
    return List.of(leader, start());
  }

  @Test
  void theLeaderAndAStandbyShowTheFleetErrorsDispatchesAndExplainATarget() throws Exception {
    List<Coordinator> both = leaderAndStandby();
    for (Coordinator c : both) {
      String page = get(c, "/");
      assertTrue(page.startsWith("<!DOCTYPE html>"), page);
      assertFalse(page.contains("http://") || page.contains("https://"), "nothing from elsewhere");
      List<List<String>> rows = rows(page, "fleet");
      assertEquals(List.of("p1", "p2", "p3"), rows.stream().map(r -> r.get(0)).toList(), page);
      assertEquals(
          TARGETS, rows.stream().mapToInt(r -> Integer.parseInt(r.get(3))).sum(), "targets");
      assertEquals(List.of("eu-1", "eu-2", "eu-1"), rows.stream().map(r -> r.get(1)).toList());
      assertEquals("2", rows.get(2).get(2), "p3's weight");
      assertTrue(
          Integer.parseInt(rows.get(2).get(3)) > Integer.parseInt(rows.get(0).get(3)),
          "p3 weighs twice as much: " + rows);
      assertTrue(page.contains("config: prome-shard/config/jobs/broken"), "config error shown");
      assertFalse(rows(page, "dispatches").isEmpty(), "the first dispatch is listed");
    }
    assertTrue(get(both.get(0), "/").contains("this coordinator: leader (epoch "));
    assertTrue(get(both.get(1), "/").contains("this coordinator: standby"));

    String leaderAnswer = get(both.get(0), "/?job=web&address=10.0.0.7:9100");
    assertTrue(leaderAnswer.contains("web/10.0.0.7:9100 (cost 1.0): owned by [p"), leaderAnswer);
    assertTrue(leaderAnswer.contains("#0 p"), "the ranking: " + leaderAnswer);
    String standbyAnswer = get(both.get(1), "/?job=web&address=10.0.0.7%3A9100");
    assertTrue(standbyAnswer.contains("web/10.0.0.7:9100 is published on [p"), standbyAnswer);
    String nowhere = get(both.get(0), "/?job=web&address=" + enc("<b>x</b>:1"));
    assertTrue(nowhere.contains("job web has no target &lt;b&gt;x&lt;/b&gt;:1"), nowhere);
    assertFalse(nowhere.contains("<b>x</b>"), "input is escaped");
  }

  @Test
  void theStatusPageWorksInARealBrowser() throws Exception {
    Chromium.binary(); // fails first, with how to install it, where there is no browser
    Coordinator leader = leaderAndStandby().get(0);
    String base = "http://127.0.0.1:" + leader.opsPort() + "/";
    try (Chromium browser = Chromium.start(dir.resolve("chromium"))) {
      browser.open(base);
      JsonNode cells =
          browser.eval(
              "Array.from(document.querySelectorAll('#fleet tbody tr'))"
                  + ".map(r => Array.from(r.cells).map(c => c.textContent.trim()))");
      assertEquals(3, cells.size(), cells.toString());
      int targets = 0;
      for (JsonNode row : cells) {
        targets += row.get(3).asInt();
      }
      assertEquals(TARGETS, targets, cells.toString());
      assertEquals(3, browser.eval("document.querySelectorAll('#fleet .bar').length").asInt());

      browser.eval(
          "document.getElementById('job').value = 'web';"
              + "document.getElementById('address').value = '10.0.0.42:9100';"
              + "document.querySelector('#search button').click(); true");
      browser.awaitLoaded(base + "?job=web");
      String answer = browser.eval("document.getElementById('explain').textContent").asText();
      assertTrue(answer.contains("web/10.0.0.42:9100 (cost 1.0): owned by [p"), answer);
      Path shot = Paths.get("target", "status-page.png");
      browser.screenshot(shot);
      assertTrue(Files.size(shot) > 10_000, "a screenshot of the page: " + shot.toAbsolutePath());
    }
  }

  private static final Pattern ROW = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

  /** The body rows of the table with {@code id}, each cell's text with tags removed. */
  private static List<List<String>> rows(String page, String id) {
    int start = page.indexOf("<table id=\"" + id + "\">");
    assertTrue(start >= 0, "no table " + id + ": " + page);
    String table = page.substring(page.indexOf("<tbody>", start), page.indexOf("</tbody>", start));
    List<List<String>> rows = new ArrayList<>();
    Matcher r = ROW.matcher(table);
    while (r.find()) {
      List<String> cells = new ArrayList<>();
      Matcher c = CELL.matcher(r.group(1));
      while (c.find()) {
        cells.add(c.group(1).replaceAll("<[^>]*>", "").strip());
      }
      rows.add(cells);
    }
    return rows;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String get(Coordinator c, String path) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.opsPort() + path))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
