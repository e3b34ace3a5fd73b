package io.promeshard.coordinator.config;

import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code records_*} settings of the active coordinator's automatic import of the agents'
 * slow-query reports: whether it runs ({@code records_auto_import}), which reported queries are
 * candidates ({@code records_min_duration}), how often it runs ({@code records_interval}), how many
 * records it may add per run and in all ({@code records_max_new_per_interval}, {@code
 * records_max_total}), and what {@code records import} takes as flags: the archive directory, the
 * Redis URL and set, where the Redis password comes from (a file, or an environment variable of the
 * coordinator's process: never the KV), and promtool. Paths are the active coordinator's local
 * paths. A bad value is a {@link ProtocolException} naming the key.
 */
public record RecordsAutoImport(
    boolean enabled,
    Duration minDuration,
    Duration interval,
    int maxNewPerInterval,
    int maxTotal,
    Path archiveDir,
    URI redis,
    Path redisPasswordFile,
    String redisPasswordEnv,
    String redisSet,
    Path promtool) {

  public static final Duration DEFAULT_MIN_DURATION = Duration.ofSeconds(1);
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_NEW_PER_INTERVAL = 20;
  public static final int MAX_NEW_PER_INTERVAL = 1000;
  public static final int DEFAULT_MAX_TOTAL = 1000;
  public static final int MAX_TOTAL = 100_000;

  /** The Redis set of record names when none is configured (as {@code records import}). */
  public static final String DEFAULT_REDIS_SET = "prome-shard:records";

  /**
   * The environment variable read for the Redis password when no file is configured (as {@code
   * records import}).
   */
  public static final String DEFAULT_REDIS_PASSWORD_ENV = "PROME_SHARD_REDIS_PASSWORD";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  public static final RecordsAutoImport DEFAULTS =
      of(null, null, null, null, null, null, null, null, null, null, null);

  public RecordsAutoImport {
    if (minDuration == null || minDuration.isNegative()) {
      throw new ProtocolException(
          "records_min_duration: expected a duration >= 0, found " + minDuration);
    }
    if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
      throw new ProtocolException(
          "records_interval: expected at least "
              + MIN_INTERVAL.toSeconds()
              + "s, found "
              + interval);
    }
    if (maxNewPerInterval < 1 || maxNewPerInterval > MAX_NEW_PER_INTERVAL) {
      throw new ProtocolException(
          "records_max_new_per_interval: expected 1.."
              + MAX_NEW_PER_INTERVAL
              + ", found "
              + maxNewPerInterval);
    }
    if (maxTotal < 1 || maxTotal > MAX_TOTAL) {
      throw new ProtocolException(
          "records_max_total: expected 1.." + MAX_TOTAL + ", found " + maxTotal);
    }
    if (!ENV_NAME.matcher(redisPasswordEnv).matches()) {
      throw new ProtocolException(
          "records_redis_password_env: expected the name of an environment variable, found "
              + Names.quote(redisPasswordEnv));
    }
    if (redisSet.isEmpty()) {
      throw new ProtocolException("records_redis_set: expected a Redis key, found \"\"");
    }
    if (redis == null && redisPasswordFile != null) {
      throw new ProtocolException("records_redis_password_file: needs records_redis");
    }
  }

  /**
   * The settings as written in {@code config/settings} (any of them null: its default), checked.
   */
  static RecordsAutoImport of(
      Boolean enabled,
      Duration minDuration,
      Duration interval,
      Integer maxNewPerInterval,
      Integer maxTotal,
      String archiveDir,
      String redis,
      String redisPasswordFile,
      String redisPasswordEnv,
      String redisSet,
      String promtool) {
    return new RecordsAutoImport(
        enabled != null && enabled,
        minDuration == null ? DEFAULT_MIN_DURATION : minDuration,
        interval == null ? DEFAULT_INTERVAL : interval,
        maxNewPerInterval == null ? DEFAULT_MAX_NEW_PER_INTERVAL : maxNewPerInterval,
        maxTotal == null ? DEFAULT_MAX_TOTAL : maxTotal,
        absolute("records_archive_dir", archiveDir),
        redisUrl(redis),
        absolute("records_redis_password_file", redisPasswordFile),
        redisPasswordEnv == null ? DEFAULT_REDIS_PASSWORD_ENV : redisPasswordEnv,
        redisSet == null ? DEFAULT_REDIS_SET : redisSet,
        absolute("records_promtool", promtool));
  }

  private static Path absolute(String key, String path) {
    if (path == null) {
      return null;
    }
    if (path.isBlank() || path.indexOf('\0') >= 0 || !path.startsWith("/")) {
      throw new ProtocolException(key + ": expected an absolute path, found " + Names.quote(path));
    }
    return Path.of(path).normalize();
  }

  /**
   * {@code redis://[user@]host:port[/db]} or {@code rediss://...}; a password in the URL is
   * refused: the KV is readable by every agent's token, the password belongs in a file or the
   * environment.
   */
  private static URI redisUrl(String url) {
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new ProtocolException("records_redis: not a URL: " + Names.quote(url));
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      throw new ProtocolException(
          "records_redis: the URL carries a password; config/settings is no place for it: use"
              + " records_redis_password_file or the environment variable named by"
              + " records_redis_password_env");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("redis") || scheme.equals("rediss"))
        || uri.getHost() == null
        || uri.getPort() < 0) {
      throw new ProtocolException(
          "records_redis: expected redis://host:port[/db] or rediss://host:port[/db], found "
              + Names.quote(url));
    }
    return uri;
  }
}
