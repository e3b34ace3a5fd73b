package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsulClusterTest {
  private static final Duration ELECTION = Duration.ofSeconds(30);
  private final LocalHttp http = new LocalHttp();

  @Test
  void aKilledRaftLeaderIsReplacedAndRejoinsWithItsData(@TempDir Path dir) throws Exception {
    try (ConsulCluster cluster = ConsulCluster.start(dir, 1)) {
      String client = cluster.clientUrl(0);
      http.expectOk("PUT", client + "/v1/kv/before", null, "1");
      int leader = cluster.leader();
      assertTrue(leader >= 0, "a leader after start");

      cluster.kill(leader);
      assertFalse(cluster.isRunning(leader));
      int next = cluster.awaitLeader(ELECTION);
      assertNotEquals(leader, next, "a surviving server leads");
      Await.until(
          ELECTION,
          "a KV write through the client agent after the election",
          () -> {
            try {
              return http.send("PUT", client + "/v1/kv/after", null, "2").status() == 200;
            } catch (java.io.IOException e) {
              return false;
            }
          });

      cluster.restart(leader);
      assertTrue(cluster.isRunning(leader));
      String before = cluster.serverUrl(leader) + "/v1/kv/before?raw&stale";
      assertEquals("1", http.expectOk("GET", before, null, null).strip());
      assertTrue(cluster.awaitLeader(ELECTION) >= 0);
    }
  }
}
