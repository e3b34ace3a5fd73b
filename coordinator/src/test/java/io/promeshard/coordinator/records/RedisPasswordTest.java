package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis password from a file or the environment, against a real redis-server started with
 * {@code requirepass}.
 */
class RedisPasswordTest {
  private static final String PASSWORD = "s3cret w:th@odd/chars";
  private static RedisServer redis;

  @TempDir Path tmp;

  @BeforeAll
  static void startRedis() {
    redis =
        RedisServer.start(
            ConsulExtension.logDir(RedisPasswordTest.class).resolve("redis"), PASSWORD);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static RedisExport export(URI url) {
    return new RedisExport(url, "prome-shard:records", Duration.ofSeconds(5));
  }

  private static Map<String, String> pair() {
    return Map.of(RecordNaming.defaults().name("sum(up)"), "sum(up)");
  }

  @Test
  void withoutThePasswordRedisRefusesAndTheErrorSaysSo() {
    URI url = RedisPassword.apply(RedisExport.parseUrl(redis.url()), null, Map.of());
    IOException e = assertThrows(IOException.class, () -> export(url).write(pair()));
    assertTrue(e.getMessage().contains("NOAUTH"), e.getMessage());
  }

  @Test
  void passwordFromAFileIsUsedAndNeverPrinted() throws IOException {
    Path file = tmp.resolve("redis.password");
    Files.writeString(file, PASSWORD + "\n", StandardCharsets.UTF_8);
    URI url = RedisPassword.apply(RedisExport.parseUrl(redis.url()), file, Map.of());
    assertEquals(1, export(url).write(pair()).pairs());
    assertFalse(RedisExport.redacted(url).contains("s3cret"), RedisExport.redacted(url));
  }

  @Test
  void passwordFromTheEnvironmentIsUsed() throws IOException {
    URI url =
        RedisPassword.apply(
            RedisExport.parseUrl(redis.url()), null, Map.of(RedisPassword.ENV, PASSWORD));
    assertEquals(1, export(url).write(pair()).pairs());
  }

  @Test
  void aPasswordInTheUrlYieldsNothingToTheEnvironmentButClashesWithAFile() throws IOException {
    URI inUrl = RedisExport.parseUrl("redis://:wrong@127.0.0.1:" + redis.port());
    assertEquals(inUrl, RedisPassword.apply(inUrl, null, Map.of(RedisPassword.ENV, PASSWORD)));
    Path file = tmp.resolve("redis.password");
    Files.writeString(file, PASSWORD, StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RedisPassword.apply(inUrl, file, Map.of()));
    assertEquals(
        "--redis-password-file: the --redis URL carries a password too; give it only once",
        e.getMessage());
  }

  @Test
  void anEmptyOrMissingFileIsAUsageErrorNamingTheOption() throws IOException {
    Path empty = tmp.resolve("empty");
    Files.writeString(empty, "\n", StandardCharsets.UTF_8);
    URI url = RedisExport.parseUrl(redis.url());
    for (Path bad : new Path[] {empty, tmp.resolve("missing")}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> RedisPassword.apply(url, bad, Map.of()));
      assertTrue(e.getMessage().startsWith("--redis-password-file: "), e.getMessage());
    }
  }
}
