package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {
  @Test
  void redisAnswersPingUntilStopped(@TempDir Path dir) {
    RedisServer redis = RedisServer.start(dir);
    try {
      assertTrue(redis.ping());
      assertTrue(redis.url().startsWith("redis://127.0.0.1:"));
    } finally {
      redis.close();
    }
    assertFalse(redis.ping());
  }
}
