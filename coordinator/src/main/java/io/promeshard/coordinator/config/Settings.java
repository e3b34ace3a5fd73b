package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.promeshard.protocol.Defaults;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.ShareEncoding;
import java.time.Duration;

/**
 * Global settings from {@code config/settings} (JSON edited in the Consul UI). Absent fields take
 * their defaults; a bad value is a {@link ProtocolException} naming the field.
 */
public record Settings(
    @JsonProperty("node_service") String nodeService,
    Integer replicas,
    Double balance,
    @JsonProperty("flap_hold") Duration flapHold,
    @JsonProperty("resync_interval") Duration resyncInterval,
    Duration debounce,
    @JsonProperty("record_group") String recordGroup,
    @JsonProperty("record_interval") Duration recordInterval,
    @JsonProperty("max_removed_fraction") Double maxRemovedFraction,
    @JsonProperty("label_names") LabelNameScheme labelNames,
    @JsonProperty("node_binding") String nodeBinding,
    @JsonProperty("max_weight") Double maxWeight,
    Boolean handover,
    @JsonProperty("handover_timeout") Duration handoverTimeout,
    @JsonProperty("share_encoding") ShareEncoding shareEncoding,
    @JsonProperty("load_aware") Boolean loadAware,
    @JsonProperty("load_min_change") Double loadMinChange,
    @JsonProperty("load_smoothing") Duration loadSmoothing,
    @JsonProperty("max_load_moves_per_hour") Integer maxLoadMovesPerHour,
    @JsonProperty("load_read_interval") Duration loadReadInterval,
    @JsonProperty("records_auto_import") Boolean recordsAutoImport,
    @JsonProperty("records_min_duration") Duration recordsMinDuration,
    @JsonProperty("records_interval") Duration recordsInterval,
    @JsonProperty("records_max_new_per_interval") Integer recordsMaxNewPerInterval,
    @JsonProperty("records_max_total") Integer recordsMaxTotal,
    @JsonProperty("records_archive_dir") String recordsArchiveDir,
    @JsonProperty("records_redis") String recordsRedis,
    @JsonProperty("records_redis_password_file") String recordsRedisPasswordFile,
    @JsonProperty("records_redis_password_env") String recordsRedisPasswordEnv,
    @JsonProperty("records_redis_set") String recordsRedisSet,
    @JsonProperty("records_promtool") String recordsPromtool,
    // derived from the records_* fields above, checked, defaults applied; never in the JSON
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        @JsonDeserialize(using = DerivedField.class)
        RecordsAutoImport recordsImport) {

  /**
   * {@code handover_timeout}: how long a moving target stays on its old owner at most. A handover
   * waits for two scrapes on the new owner after Prometheus' discovery tick: with the usual 1m
   * scrape interval about 2 minutes at worst, hence 5.
   */
  public static final Duration DEFAULT_HANDOVER_TIMEOUT = Duration.ofMinutes(5);

  /** {@code max_load_moves_per_hour} by default at least this many (1 % of targets above 5,000). */
  public static final int DEFAULT_MIN_LOAD_MOVES_PER_HOUR = 50;

  /** {@code max_weight}: the most capacity a node may claim in its Meta {@code weight}. */
  public static final double DEFAULT_MAX_WEIGHT = 10;

  /** {@code node_binding}: any Consul node may register any node name. */
  public static final String BINDING_NONE = "none";

  /** {@code node_binding}: a node name counts only when registered on the Consul node so named. */
  public static final String BINDING_CONSUL_NODE = "consul_node";

  /**
   * {@code load_min_change}: a target's cost follows its observed samples only when they differ by
   * this factor (about the change the issue calls noise-free; 1 would follow every drift).
   */
  public static final double DEFAULT_LOAD_MIN_CHANGE = 1.5;

  /**
   * {@code load_smoothing}: the half-life of the smoothed samples. Agents report every few minutes,
   * so a level must last a few reports to count; a one-report spike moves the average by less than
   * a third of its size.
   */
  public static final Duration DEFAULT_LOAD_SMOOTHING = Duration.ofMinutes(5);

  /**
   * {@code load_read_interval}: how often the leader reads the agents' sample reports. Agents write
   * one every few minutes at most (their {@code samples.interval}, 2m by default).
   */
  public static final Duration DEFAULT_LOAD_READ_INTERVAL = Duration.ofSeconds(30);

  // after every constant the constructor uses
  public static final Settings DEFAULTS =
      new Settings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null);

  public Settings {
    nodeService = nodeService == null ? Defaults.NODE_SERVICE : nodeService;
    if (!Names.isServiceName(nodeService)) {
      throw new ProtocolException(
          "node_service: invalid Consul service name \"" + nodeService + "\"");
    }
    replicas = replicas == null ? 1 : replicas;
    if (replicas < 1 || replicas > 10) {
      throw new ProtocolException("replicas: expected 1..10, found " + replicas);
    }
    balance = balance == null ? 0.05 : balance;
    if (!(balance > 0 && balance <= 1)) {
      throw new ProtocolException("balance: expected a fraction in (0, 1], found " + balance);
    }
    flapHold = positiveOrDefault("flap_hold", flapHold, Duration.ofSeconds(30), true);
    resyncInterval =
        positiveOrDefault("resync_interval", resyncInterval, Duration.ofSeconds(60), false);
    debounce = positiveOrDefault("debounce", debounce, Duration.ofSeconds(1), true);
    recordGroup = Names.group(recordGroup == null ? "heavy_expr_record" : recordGroup);
    recordInterval =
        positiveOrDefault("record_interval", recordInterval, Duration.ofSeconds(30), false);
    labelNames = labelNames == null ? LabelNameScheme.LEGACY : labelNames;
    nodeBinding = nodeBinding == null ? BINDING_NONE : nodeBinding;
    if (!nodeBinding.equals(BINDING_NONE) && !nodeBinding.equals(BINDING_CONSUL_NODE)) {
      throw new ProtocolException(
          "node_binding: expected \""
              + BINDING_NONE
              + "\" or \""
              + BINDING_CONSUL_NODE
              + "\", found \""
              + nodeBinding
              + "\"");
    }
    maxWeight = maxWeight == null ? DEFAULT_MAX_WEIGHT : maxWeight;
    if (!(maxWeight >= 1) || maxWeight.isInfinite()) {
      throw new ProtocolException("max_weight: expected a number >= 1, found " + maxWeight);
    }
    handover = handover == null || handover;
    handoverTimeout =
        positiveOrDefault("handover_timeout", handoverTimeout, DEFAULT_HANDOVER_TIMEOUT, false);
    // compact unless the operator keeps the plain layout for agents not yet upgraded
    shareEncoding = shareEncoding == null ? ShareEncoding.COMPACT : shareEncoding;
    // off until the agents report samples: placing by load also changes the bounds (count 1.25,
    // cost 1.05), which nothing should change behind an operator's back
    loadAware = loadAware != null && loadAware;
    loadMinChange = loadMinChange == null ? DEFAULT_LOAD_MIN_CHANGE : loadMinChange;
    if (!(loadMinChange >= 1) || loadMinChange.isInfinite()) {
      throw new ProtocolException(
          "load_min_change: expected a factor >= 1 (e.g. 1.5), found " + loadMinChange);
    }
    loadSmoothing =
        positiveOrDefault("load_smoothing", loadSmoothing, DEFAULT_LOAD_SMOOTHING, true);
    loadReadInterval =
        positiveOrDefault(
            "load_read_interval", loadReadInterval, DEFAULT_LOAD_READ_INTERVAL, false);
    if (loadReadInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ProtocolException(
          "load_read_interval: expected at least 1s, found " + Durations.format(loadReadInterval));
    }
    if (maxLoadMovesPerHour != null && maxLoadMovesPerHour < 0) {
      throw new ProtocolException(
          "max_load_moves_per_hour: expected a count >= 0, found " + maxLoadMovesPerHour);
    }
    maxRemovedFraction = maxRemovedFraction == null ? 0.5 : maxRemovedFraction;
    if (!(maxRemovedFraction >= 0 && maxRemovedFraction <= 1)) {
      throw new ProtocolException(
          "max_removed_fraction: expected a fraction in [0, 1], found " + maxRemovedFraction);
    }
    recordsImport =
        RecordsAutoImport.of(
            recordsAutoImport,
            recordsMinDuration,
            recordsInterval,
            recordsMaxNewPerInterval,
            recordsMaxTotal,
            recordsArchiveDir,
            recordsRedis,
            recordsRedisPasswordFile,
            recordsRedisPasswordEnv,
            recordsRedisSet,
            recordsPromtool);
    // stored with defaults applied, so that equal settings are equal records
    recordsAutoImport = recordsImport.enabled();
    recordsMinDuration = recordsImport.minDuration();
    recordsInterval = recordsImport.interval();
    recordsMaxNewPerInterval = recordsImport.maxNewPerInterval();
    recordsMaxTotal = recordsImport.maxTotal();
    recordsRedisPasswordEnv = recordsImport.redisPasswordEnv();
    recordsRedisSet = recordsImport.redisSet();
  }

  /**
   * {@code max_load_moves_per_hour}: as set, or by default 1 % of {@code targets} and at least
   * {@value #DEFAULT_MIN_LOAD_MOVES_PER_HOUR}. A moved target is briefly scraped twice (handover)
   * and its series live on in the old server's head block until compaction (up to about 3 hours),
   * so 1 % per hour keeps the memory re-weighing costs within a few percent of the fleet's series.
   */
  public int loadMovesPerHour(int targets) {
    return maxLoadMovesPerHour != null
        ? maxLoadMovesPerHour
        : Math.max(DEFAULT_MIN_LOAD_MOVES_PER_HOUR, targets / 100);
  }

  /** True when a node name counts only on the Consul node of the same name. */
  public boolean bindToConsulNode() {
    return nodeBinding.equals(BINDING_CONSUL_NODE);
  }

  private static Duration positiveOrDefault(
      String field, Duration value, Duration dflt, boolean zeroAllowed) {
    if (value == null) {
      return dflt;
    }
    if (value.isNegative() || (!zeroAllowed && value.isZero())) {
      throw new ProtocolException(
          field + ": must be " + (zeroAllowed ? ">= 0" : "> 0") + ", found " + value);
    }
    return value;
  }
}
