package io.promeshard.agent.config;

import io.promeshard.protocol.Defaults;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.ConsulConfig;
import io.promeshard.protocol.consul.ConsulSettings;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The agent's effective configuration: the YAML file's values, replaced by command-line flags, with
 * defaults for the rest. Every value is checked here; a bad one is a ProtocolException (or, for the
 * Consul address, token or CA file, a ConsulConfigException) naming the key and the value.
 *
 * <p>{@code queryLog} is null when the agent reads no query log. {@code samples} says whether and
 * how often it reports its targets' samples per scrape.
 *
 * <p>{@code rule_interval} is the evaluation interval of rule groups whose manifest gives none; the
 * coordinator normally sends its {@code record_interval} with the share.
 */
public record AgentConfig(
    ConsulSettings consul,
    String prefix,
    String node,
    Path fileSdDir,
    Path rulesDir,
    Path scrapeConfigDir,
    Path templatesDir,
    URI prometheusUrl,
    URI reloadUrl,
    ReloadOn reloadOn,
    Duration reloadTimeout,
    Duration debounce,
    List<String> checkCommand,
    Duration checkTimeout,
    Duration ruleInterval,
    String listen,
    Duration unhealthyAfter,
    String service,
    double weight,
    String zone,
    boolean register,
    QueryLogSettings queryLog,
    SampleSettings samples) {

  public static final Path DEFAULT_CONFIG_FILE = Paths.get(Defaults.CONFIG_DIR + "agent.yml");
  public static final String DEFAULT_FILE_SD_DIR = "/var/lib/prome-shard/file_sd";
  public static final String DEFAULT_RULES_DIR = "/var/lib/prome-shard/rules";
  public static final String DEFAULT_SCRAPE_CONFIG_DIR = "/var/lib/prome-shard/scrape_configs";
  public static final String DEFAULT_PROMETHEUS_URL = "http://127.0.0.1:9090";
  public static final String DEFAULT_LISTEN = "127.0.0.1:9466";
  public static final Duration DEFAULT_RELOAD_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RULE_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofSeconds(60);

  public AgentConfig {
    Objects.requireNonNull(consul, "consul");
    prefix = new KvLayout(prefix).prefix();
    Names.node(node);
    Objects.requireNonNull(fileSdDir, "file_sd_dir");
    Objects.requireNonNull(rulesDir, "rules_dir");
    fileSdDir = fileSdDir.toAbsolutePath().normalize();
    rulesDir = rulesDir.toAbsolutePath().normalize();
    scrapeConfigDir =
        Objects.requireNonNull(scrapeConfigDir, "scrape_config_dir").toAbsolutePath().normalize();
    if (scrapeConfigDir.equals(fileSdDir) || scrapeConfigDir.equals(rulesDir)) {
      // their *.json / *.yml globs would pick up the scrape-config directory's files
      throw new ProtocolException(
          "scrape_config_dir: must be a directory of its own, not file_sd_dir or rules_dir, found "
              + scrapeConfigDir);
    }
    templatesDir = templatesDir == null ? null : templatesDir.toAbsolutePath().normalize();
    prometheusUrl =
        Urls.http(
            "prometheus_url", Objects.requireNonNull(prometheusUrl, "prometheus_url").toString());
    reloadUrl =
        Urls.reload("reload_url", Objects.requireNonNull(reloadUrl, "reload_url").toString());
    Objects.requireNonNull(reloadOn, "reload_on");
    reloadTimeout = Urls.positive("reload_timeout", reloadTimeout);
    if (debounce == null || debounce.isNegative()) {
      throw new ProtocolException("debounce: expected a duration >= 0, found " + debounce);
    }
    checkCommand = checkCommand == null ? List.of() : List.copyOf(checkCommand);
    if (!checkCommand.isEmpty() && checkCommand.stream().anyMatch(a -> a == null || a.isBlank())) {
      throw new ProtocolException(
          "check_command: expected a list of non-empty arguments, found " + checkCommand);
    }
    checkTimeout = Urls.positive("check_timeout", checkTimeout);
    ruleInterval = Urls.positive("rule_interval", ruleInterval);
    listen = Urls.listen("listen", listen);
    unhealthyAfter = Urls.positive("unhealthy_after", unhealthyAfter);
    if (!Names.isServiceName(service)) {
      throw new ProtocolException("service: invalid Consul service name \"" + service + "\"");
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new ProtocolException("weight: expected a positive number, found " + weight);
    }
    zone = zone == null ? "" : zone;
    if (zone.length() > 128 || zone.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ProtocolException(
          "zone: expected up to 128 printable characters, found \"" + zone + "\"");
    }
    Objects.requireNonNull(samples, "samples");
  }

  /**
   * File values replaced by non-null {@code flags}, defaults for the rest; {@code hostname} gives
   * the default node.
   */
  public static AgentConfig resolve(
      AgentConfigFile file, Overrides flags, Supplier<String> hostname) {
    ConsulConfig c = file.consul() == null ? ConsulConfig.DEFAULTS : file.consul();
    Path tokenFile =
        flags.tokenFile() == null
            ? c.tokenFile()
            : flags.tokenFile().isBlank() ? null : path("token_file", flags.tokenFile());
    ConsulSettings consul =
        ConsulSettings.of(or(flags.consul(), c.address()), tokenFile, c.caFile());
    String node = or(flags.node(), file.node());
    if (node == null) {
      node = defaultNode(hostname);
    }
    String prometheus =
        Urls.http("prometheus_url", or(file.prometheusUrl(), DEFAULT_PROMETHEUS_URL)).toString();
    String reload = or(flags.reloadUrl(), or(file.reloadUrl(), prometheus + "/-/reload"));
    String templates = or(flags.templatesDir(), file.templatesDir());
    return new AgentConfig(
        consul,
        or(flags.prefix(), or(file.prefix(), Defaults.KV_PREFIX)),
        node,
        path("file_sd_dir", or(flags.fileSdDir(), or(file.fileSdDir(), DEFAULT_FILE_SD_DIR))),
        path("rules_dir", or(flags.rulesDir(), or(file.rulesDir(), DEFAULT_RULES_DIR))),
        path(
            "scrape_config_dir",
            or(flags.scrapeConfigDir(), or(file.scrapeConfigDir(), DEFAULT_SCRAPE_CONFIG_DIR))),
        templates == null || templates.isBlank() ? null : path("templates_dir", templates),
        URI.create(prometheus),
        Urls.reload("reload_url", reload),
        ReloadOn.parse(file.reloadOn()),
        or(file.reloadTimeout(), DEFAULT_RELOAD_TIMEOUT),
        or(file.debounce(), DEFAULT_DEBOUNCE),
        file.checkCommand(),
        or(file.checkTimeout(), DEFAULT_CHECK_TIMEOUT),
        or(file.ruleInterval(), DEFAULT_RULE_INTERVAL),
        or(file.listen(), DEFAULT_LISTEN),
        or(file.unhealthyAfter(), DEFAULT_UNHEALTHY_AFTER),
        or(file.service(), Defaults.NODE_SERVICE),
        or(file.weight(), 1.0),
        file.zone(),
        or(file.register(), Boolean.TRUE),
        file.queryLog() == null ? null : file.queryLog().resolve(),
        file.samples() == null ? SampleSettings.DEFAULTS : file.samples().resolve());
  }

  /** This configuration with {@code newSamples} instead of its {@code samples}. */
  public AgentConfig withSamples(SampleSettings newSamples) {
    return new AgentConfig(
        consul,
        prefix,
        node,
        fileSdDir,
        rulesDir,
        scrapeConfigDir,
        templatesDir,
        prometheusUrl,
        reloadUrl,
        reloadOn,
        reloadTimeout,
        debounce,
        checkCommand,
        checkTimeout,
        ruleInterval,
        listen,
        unhealthyAfter,
        service,
        weight,
        zone,
        register,
        queryLog,
        newSamples);
  }

  public KvLayout layout() {
    return new KvLayout(prefix);
  }

  /** {@code <prometheus_url>/-/ready}: the URL of the registered health check. */
  public String readyUrl() {
    return prometheusUrl + "/-/ready";
  }

  /** Whether /metrics and /healthz are served. */
  public boolean serveOps() {
    return !listen.isEmpty();
  }

  private static String defaultNode(Supplier<String> hostname) {
    String host = hostname.get();
    String shortName = host == null ? "" : host.strip();
    int dot = shortName.indexOf('.');
    shortName = dot < 0 ? shortName : shortName.substring(0, dot);
    if (!Names.isValid(shortName)) {
      throw new ProtocolException(
          "node: the host name \""
              + host
              + "\" is not a valid node name; set node in the "
              + "config file or --node (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127})");
    }
    return shortName;
  }

  private static Path path(String key, String value) {
    if (value.isBlank() || value.indexOf('\0') >= 0) {
      throw new ProtocolException(key + ": expected a directory, found \"" + value + "\"");
    }
    try {
      return Paths.get(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ProtocolException(key + ": invalid path \"" + value + "\": " + e.getReason(), e);
    }
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
