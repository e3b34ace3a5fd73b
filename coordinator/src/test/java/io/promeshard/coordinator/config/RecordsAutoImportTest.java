package io.promeshard.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordsAutoImportTest {
  private static Settings parse(String json) {
    return Json.decode("config/settings", json.getBytes(StandardCharsets.UTF_8), Settings.class);
  }

  private static String error(String json) {
    return assertThrows(ProtocolException.class, () -> parse(json)).getMessage();
  }

  @Test
  void offByDefaultWithTheDocumentedDefaults() {
    RecordsAutoImport r = parse("{}").recordsImport();
    assertFalse(r.enabled());
    assertEquals(Duration.ofSeconds(1), r.minDuration());
    assertEquals(Duration.ofMinutes(5), r.interval());
    assertEquals(20, r.maxNewPerInterval());
    assertEquals(1000, r.maxTotal());
    assertNull(r.archiveDir());
    assertNull(r.redis());
    assertNull(r.redisPasswordFile());
    assertEquals("PROME_SHARD_REDIS_PASSWORD", r.redisPasswordEnv());
    assertEquals("prome-shard:records", r.redisSet());
    assertNull(r.promtool());
    assertEquals(RecordsAutoImport.DEFAULTS, r);
    assertEquals(Settings.DEFAULTS, parse("{\"records_auto_import\":false}"));
  }

  @Test
  void everyKeyIsRead() {
    RecordsAutoImport r =
        parse(
                "{\"records_auto_import\":true,\"records_min_duration\":\"0s\","
                    + "\"records_interval\":\"10s\",\"records_max_new_per_interval\":5,"
                    + "\"records_max_total\":50,\"records_archive_dir\":\"/var/lib/ps/archive\","
                    + "\"records_redis\":\"redis://127.0.0.1:6379/2\","
                    + "\"records_redis_password_file\":\"/etc/prome-shard/redis.pw\","
                    + "\"records_redis_set\":\"heavy\",\"records_promtool\":\"/usr/bin/promtool\"}")
            .recordsImport();
    assertTrue(r.enabled());
    assertEquals(Duration.ZERO, r.minDuration());
    assertEquals(Duration.ofSeconds(10), r.interval());
    assertEquals(5, r.maxNewPerInterval());
    assertEquals(50, r.maxTotal());
    assertEquals(Path.of("/var/lib/ps/archive"), r.archiveDir());
    assertEquals(URI.create("redis://127.0.0.1:6379/2"), r.redis());
    assertEquals(Path.of("/etc/prome-shard/redis.pw"), r.redisPasswordFile());
    assertEquals("heavy", r.redisSet());
    assertEquals(Path.of("/usr/bin/promtool"), r.promtool());
  }

  @Test
  void badValuesAreRejectedNamingTheKey() {
    assertEquals(
        "config/settings: records_interval: expected at least 10s, found PT5S",
        error("{\"records_interval\":\"5s\"}"));
    assertEquals(
        "config/settings: records_max_new_per_interval: expected 1..1000, found 0",
        error("{\"records_max_new_per_interval\":0}"));
    assertEquals(
        "config/settings: records_max_total: expected 1..100000, found -1",
        error("{\"records_max_total\":-1}"));
    assertEquals(
        "config/settings: records_archive_dir: expected an absolute path, found \"archive\"",
        error("{\"records_archive_dir\":\"archive\"}"));
    assertEquals(
        "config/settings: records_redis: expected redis://host:port[/db] or"
            + " rediss://host:port[/db], found \"http://x:1\"",
        error("{\"records_redis\":\"http://x:1\"}"));
    assertEquals(
        "config/settings: records_redis_password_env: expected the name of an environment"
            + " variable, found \"A-B\"",
        error("{\"records_redis_password_env\":\"A-B\"}"));
    assertEquals(
        "config/settings: records_redis_password_file: needs records_redis",
        error("{\"records_redis_password_file\":\"/etc/pw\"}"));
  }

  @Test
  void theDerivedValueIsNoKeyOfItsOwn() {
    String message = error("{\"recordsImport\":{\"enabled\":true}}");
    assertTrue(message.startsWith("config/settings: unknown field \"recordsImport\""), message);
  }

  @Test
  void aPasswordInTheRedisUrlIsRefusedWithoutBeingRepeated() {
    String message = error("{\"records_redis\":\"redis://u:s3cret@127.0.0.1:6379\"}");
    assertTrue(message.startsWith("config/settings: records_redis: the URL carries a password"));
    assertFalse(message.contains("s3cret"), message);
  }
}
