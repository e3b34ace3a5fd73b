package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsulExtensionTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private final LocalHttp http = new LocalHttp();

  @Test
  void consulAnswersKvAndClearKvRemovesEverything() throws IOException {
    http.expectOk("PUT", consul.url() + "/v1/kv/a/b/c", null, "v");
    http.expectOk("PUT", consul.url() + "/v1/kv/top", null, "v");
    assertEquals(200, http.send("GET", consul.url() + "/v1/kv/a/b/c", null, null).status());
    consul.clearKv();
    assertEquals(404, http.send("GET", consul.url() + "/v1/kv/?recurse=true", null, null).status());
  }

  @Test
  void logIsKeptUnderTargetTestLogsPerClass() {
    assertTrue(
        consul.server().logFile().endsWith("target/test-logs/ConsulExtensionTest/consul.log"),
        consul.server().logFile().toString());
    assertTrue(consul.url().startsWith("http://127.0.0.1:"));
  }
}
