package io.promeshard.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promeshard.protocol.ConfigFiles;
import io.promeshard.protocol.consul.ConsulConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's YAML file ({@code /etc/prome-shard/agent.yml}) as written: every key optional, no
 * defaults applied yet; {@code consul} is the block shared with the coordinator ({@code address},
 * {@code token_file}, {@code ca_file}). Loading rejects unknown keys and bad values with a
 * ProtocolException naming the file and the key; {@link AgentConfig#resolve} applies defaults and
 * flags.
 */
public record AgentConfigFile(
    ConsulConfig consul,
    String prefix,
    String node,
    @JsonProperty("file_sd_dir") String fileSdDir,
    @JsonProperty("rules_dir") String rulesDir,
    @JsonProperty("scrape_config_dir") String scrapeConfigDir,
    @JsonProperty("templates_dir") String templatesDir,
    @JsonProperty("prometheus_url") String prometheusUrl,
    @JsonProperty("reload_url") String reloadUrl,
    @JsonProperty("reload_on") String reloadOn,
    @JsonProperty("reload_timeout") Duration reloadTimeout,
    Duration debounce,
    @JsonProperty("check_command") List<String> checkCommand,
    @JsonProperty("check_timeout") Duration checkTimeout,
    @JsonProperty("rule_interval") Duration ruleInterval,
    String listen,
    @JsonProperty("unhealthy_after") Duration unhealthyAfter,
    String service,
    Double weight,
    String zone,
    Boolean register,
    @JsonProperty("query_log") QueryLogSettings.File queryLog,
    SampleSettings.File samples) {

  /** A file with no keys at all: every setting takes its default. */
  public static final AgentConfigFile EMPTY =
      new AgentConfigFile(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null);

  public AgentConfigFile {
    checkCommand = checkCommand == null ? null : List.copyOf(checkCommand);
  }

  /** Reads and strictly parses {@code file}; an empty file is {@link #EMPTY}. */
  public static AgentConfigFile load(Path file) {
    return ConfigFiles.load(file, AgentConfigFile.class, EMPTY);
  }

  /** Parses YAML text; {@code where} names the source in error messages. */
  public static AgentConfigFile parse(String where, String yaml) {
    return ConfigFiles.parse(
        where,
        yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        AgentConfigFile.class,
        EMPTY);
  }
}
