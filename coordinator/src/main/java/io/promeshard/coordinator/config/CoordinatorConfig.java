package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promeshard.protocol.ConfigFiles;
import io.promeshard.protocol.Defaults;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.ConsulConfig;
import io.promeshard.protocol.consul.ConsulSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The coordinator's local file, {@code /etc/prome-shard/coordinator.yml}: how to reach Consul and
 * where to serve {@code /metrics}. Everything else lives in Consul under {@code config/}. Unknown
 * keys are errors naming the key; command-line flags override the file.
 */
public record CoordinatorConfig(
    ConsulConfig consul,
    String prefix,
    String listen,
    @JsonProperty("session_ttl") Duration sessionTtl,
    @JsonProperty("lock_delay") Duration lockDelay,
    @JsonProperty("startup_grace") Duration startupGrace) {

  public static final String DEFAULT_PATH = Defaults.CONFIG_DIR + "coordinator.yml";
  public static final CoordinatorConfig DEFAULTS =
      new CoordinatorConfig(null, null, null, null, null, null);

  public CoordinatorConfig {
    consul = consul == null ? ConsulConfig.DEFAULTS : consul;
    prefix = prefix == null ? Defaults.KV_PREFIX : prefix;
    listen = listen == null ? "127.0.0.1:9467" : listen;
    sessionTtl = sessionTtl == null ? Duration.ofSeconds(15) : sessionTtl;
    if (sessionTtl.compareTo(Duration.ofSeconds(10)) < 0
        || sessionTtl.compareTo(Duration.ofHours(24)) > 0) {
      throw new ProtocolException(
          "session_ttl: Consul accepts 10s to 24h, found " + sessionTtl.toSeconds() + "s");
    }
    lockDelay = lockDelay == null ? Duration.ofSeconds(15) : lockDelay;
    if (lockDelay.isNegative() || lockDelay.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ProtocolException(
          "lock_delay: expected 0s to 60s, found " + lockDelay.toSeconds() + "s");
    }
    startupGrace = startupGrace == null ? Duration.ofSeconds(30) : startupGrace;
    new KvLayout(prefix);
  }

  /** Loads {@code file}; a missing file is an error only when {@code required}. */
  public static CoordinatorConfig load(Path file, boolean required) {
    if (file == null || (!required && !file.toFile().exists())) {
      return DEFAULTS;
    }
    return ConfigFiles.load(file, CoordinatorConfig.class, DEFAULTS);
  }

  public ConsulSettings consulSettings() {
    return consul.settings();
  }

  public KvLayout layout() {
    return new KvLayout(prefix);
  }

  /** A copy with command-line overrides applied (null keeps the file's value). */
  public CoordinatorConfig with(String consulAddress, Path tokenFile, String prefix) {
    return new CoordinatorConfig(
        consul.with(consulAddress, tokenFile),
        prefix != null ? prefix : this.prefix,
        listen,
        sessionTtl,
        lockDelay,
        startupGrace);
  }

  public CoordinatorConfig withListen(String listen) {
    return new CoordinatorConfig(consul, prefix, listen, sessionTtl, lockDelay, startupGrace);
  }
}
