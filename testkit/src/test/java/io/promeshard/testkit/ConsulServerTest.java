package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsulServerTest {
  private final LocalHttp http = new LocalHttp();

  @Test
  void aclConsulAcceptsTheMasterTokenAndDeniesAnonymousWrites(@TempDir Path dir) throws Exception {
    String acl =
        "acl { enabled = true, default_policy = \"deny\", tokens { master = \"root-token\" } }";
    try (ConsulServer consul = ConsulServer.start(dir, acl, "root-token")) {
      assertEquals(
          "true", http.expectOk("PUT", consul.url() + "/v1/kv/a", "root-token", "1").strip());
      assertEquals(403, http.send("PUT", consul.url() + "/v1/kv/a", null, "1").status());
    }
  }

  @Test
  void restartComesBackOnTheSamePortAndStopEndsTheProcess(@TempDir Path dir) throws Exception {
    ConsulServer consul = ConsulServer.start(dir);
    try {
      int port = consul.httpPort();
      http.expectOk("PUT", consul.url() + "/v1/kv/x", null, "1");
      consul.stop();
      assertFalse(consul.isRunning());
      consul.restart();
      assertEquals(port, consul.httpPort());
      assertTrue(consul.isRunning());
      assertEquals("true", http.expectOk("PUT", consul.url() + "/v1/kv/x", null, "2").strip());
      assertTrue(Files.size(consul.logFile()) > 0);
    } finally {
      consul.close();
    }
    assertFalse(consul.isRunning());
  }

  @Test
  void aServerWithADataDirKeepsItsKvAcrossAKillAndRestart(@TempDir Path dir) throws Exception {
    try (ConsulServer consul = ConsulServer.startWithDataDir(dir)) {
      http.expectOk("PUT", consul.url() + "/v1/kv/kept", null, "1");
      consul.kill();
      assertFalse(consul.isRunning());
      consul.restart();
      assertEquals("1", http.expectOk("GET", consul.url() + "/v1/kv/kept?raw", null, null).strip());
      assertTrue(Files.isDirectory(dir.resolve("data")));
    }
  }
}
