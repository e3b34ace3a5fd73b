package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis export against a real redis-server. */
class RedisExportTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(ConsulExtension.logDir(RedisExportTest.class).resolve("redis"));
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void flush() {
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      j.flushAll();
    }
  }

  private static Map<String, String> pairs(String... exprs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : exprs) {
      out.put(RecordNaming.defaults().name(e), e);
    }
    return out;
  }

  @Test
  void pairsAreSetAndNamesAddedToTheSet() throws IOException {
    RedisExport export =
        new RedisExport(
            RedisExport.parseUrl(redis.url()), "prome-shard:records", Duration.ofSeconds(5));
    Map<String, String> first = pairs("sum(up)", "rate(x[5m])", "up{name=\"ünïcødé\"}\n + 1");
    RedisExport.Result r = export.write(first);
    assertEquals(new RedisExport.Result(3, 3, 3), r);
    Map<String, String> second = pairs("sum(up)", "max(y)");
    assertEquals(new RedisExport.Result(2, 1, 4), export.write(second));
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      first.forEach((name, expr) -> assertEquals(expr, j.get(name)));
      assertEquals("max(y)", j.get(RecordNaming.defaults().name("max(y)")));
      Set<String> members = j.smembers("prome-shard:records");
      assertEquals(4, members.size());
      assertTrue(members.containsAll(first.keySet()));
    }
  }

  @Test
  void manyPairsGoInChunksOfOneTransaction() throws IOException {
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < RedisExport.CHUNK * 2 + 17; i++) {
      many.putAll(pairs("sum(rate(m" + i + "[5m]))"));
    }
    RedisExport export =
        new RedisExport(
            RedisExport.parseUrl(redis.url() + "/2"), "custom:set", Duration.ofSeconds(5));
    assertEquals(new RedisExport.Result(many.size(), many.size(), many.size()), export.write(many));
    try (Jedis j = new Jedis(URI.create(redis.url() + "/2"))) {
      assertEquals(many.size(), j.scard("custom:set"));
      assertEquals(
          "sum(rate(m2016[5m]))", j.get(RecordNaming.defaults().name("sum(rate(m2016[5m]))")));
    }
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      assertFalse(j.exists("custom:set"), "database 2 was used, not 0");
    }
  }

  @Test
  void badUrlIsAUsageErrorNamingTheFlag() {
    for (String bad :
        new String[] {"http://127.0.0.1:6379", "127.0.0.1:6379", "redis://", "not a url"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RedisExport.parseUrl(bad));
      assertTrue(e.getMessage().startsWith("--redis:"), e.getMessage());
    }
  }

  @Test
  void unreachableRedisIsAnIOExceptionWithoutThePassword() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    URI url = RedisExport.parseUrl("redis://user:s3cret@127.0.0.1:" + port + "/0");
    RedisExport export = new RedisExport(url, "k", Duration.ofSeconds(2));
    IOException e = assertThrows(IOException.class, () -> export.write(pairs("up")));
    assertTrue(
        e.getMessage().startsWith("redis redis://user:***@127.0.0.1:" + port + "/0: "),
        e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }
}
