package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The version cache: read once, kept a while, read again after a failed reload, retried sooner
 * while unknown. Real releases are read in {@link ScrapeConfigApplyTest}.
 */
class PrometheusBuildTest {
  private final MockWebServer server = new MockWebServer();
  private final AtomicLong now = new AtomicLong();
  private PrometheusBuild build;

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getLoopbackAddress(), 0);
    build = new PrometheusBuild(server.url("/prom").toString(), Duration.ofSeconds(2), now::get);
  }

  @AfterEach
  void stop() throws Exception {
    build.close();
    server.shutdown();
  }

  private static MockResponse version(String v) {
    return new MockResponse()
        .setBody(
            "{\"status\":\"success\",\"data\":{\"version\":\"" + v + "\",\"revision\":\"x\"}}");
  }

  @Test
  void theVersionIsKeptUntilItAgesOrAReloadFails() throws Exception {
    server.enqueue(version("2.42.0"));
    server.enqueue(version("2.53.4"));
    server.enqueue(version("3.5.0"));

    assertEquals("2.42.0", build.version());
    assertEquals("/prom/api/v1/status/buildinfo", server.takeRequest().getPath());
    now.addAndGet(PrometheusBuild.MAX_AGE.toNanos() - 1);
    assertEquals("2.42.0", build.version(), "kept");
    assertEquals(1, server.getRequestCount());

    now.addAndGet(1);
    assertEquals("2.53.4", build.version(), "aged: read again");
    build.forget();
    assertEquals("3.5.0", build.version(), "after a failed reload: read again");
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void anUnknownVersionIsAskedAgainSooner() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(503));
    server.enqueue(new MockResponse().setBody("not json"));
    server.enqueue(version("3.5.0"));

    assertEquals("", build.version());
    now.addAndGet(PrometheusBuild.RETRY_UNKNOWN.toNanos() - 1);
    assertEquals("", build.version());
    assertEquals(1, server.getRequestCount());
    now.addAndGet(1);
    assertEquals("", build.version(), "a reply that is not understood is unknown too");
    now.addAndGet(PrometheusBuild.RETRY_UNKNOWN.toNanos());
    assertEquals("3.5.0", build.version());
  }

  @Test
  void scrapeConfigFilesCameWith243() {
    for (String v : new String[] {"2.42.0", "2.42.0+ds", "v2.9.1", "1.8.2", "2.0.0"}) {
      assertFalse(PrometheusBuild.supportsScrapeConfigFiles(v), v);
    }
    for (String v : new String[] {"2.43.0", "2.53.4+ds1", "3.5.0", "v3.0.0-rc.1", "10.0.0"}) {
      assertTrue(PrometheusBuild.supportsScrapeConfigFiles(v), v);
    }
    for (String v : new String[] {"", "unknown", "main"}) {
      assertTrue(PrometheusBuild.supportsScrapeConfigFiles(v), "unknown counts as yes: " + v);
    }
  }
}
