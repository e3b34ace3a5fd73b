package io.promeshard.agent.cli;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.AgentConfigFile;
import io.promeshard.agent.config.HostName;
import io.promeshard.agent.config.Overrides;
import io.promeshard.protocol.Defaults;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options shared by {@code run} and {@code check}: the config file and the settings flags that
 * override it. Resolving throws ProtocolException or ConsulConfigException (exit 2) naming the key.
 */
final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML config file (default: "
              + Defaults.CONFIG_DIR
              + "agent.yml if it exists, else built-in defaults).")
  Path config;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "This node's name in KV and its Consul service ID (default: node in the config file, else the short host name).")
  String node;

  @Option(
      names = "--consul",
      paramLabel = "URL",
      description =
          "Consul HTTP address (default: consul.address in the config file, else "
              + Defaults.CONSUL_ADDRESS
              + ").")
  String consul;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the Consul ACL token, sent as X-Consul-Token (default: consul.token_file, else no token).")
  String tokenFile;

  @Option(
      names = "--prefix",
      paramLabel = "P",
      description =
          "KV prefix shared with the coordinator (default: prefix in the config file, else prome-shard/).")
  String prefix;

  @Option(
      names = "--file-sd-dir",
      paramLabel = "DIR",
      description =
          "Where <job>.json files are written (default: file_sd_dir, else /var/lib/prome-shard/file_sd).")
  String fileSdDir;

  @Option(
      names = "--rules-dir",
      paramLabel = "DIR",
      description =
          "Where <group>.yml rule files are written (default: rules_dir, else /var/lib/prome-shard/rules).")
  String rulesDir;

  @Option(
      names = "--scrape-config-dir",
      paramLabel = "DIR",
      description =
          "Where <job>.yml scrape configs and <job>.json targets of jobs with their own scrape settings are written; include <DIR>/*.yml in prometheus.yml's scrape_config_files (default: scrape_config_dir, else /var/lib/prome-shard/scrape_configs).")
  String scrapeConfigDir;

  @Option(
      names = "--templates",
      paramLabel = "DIR",
      description =
          "Directory with file_sd.json.mustache, rules.yml.mustache and scrape_config.yml.mustache (default: templates_dir, else the templates bundled in the jar; a directory without scrape_config.yml.mustache uses the bundled one).")
  String templates;

  @Option(
      names = "--reload-url",
      paramLabel = "URL",
      description =
          "Prometheus reload endpoint, POSTed after rule and scrape-config changes (default: reload_url, else <prometheus_url>/-/reload, i.e. http://127.0.0.1:9090/-/reload).")
  String reloadUrl;

  AgentConfig resolve() {
    AgentConfigFile file;
    if (config != null) {
      file = AgentConfigFile.load(config);
    } else if (Files.isRegularFile(AgentConfig.DEFAULT_CONFIG_FILE)) {
      file = AgentConfigFile.load(AgentConfig.DEFAULT_CONFIG_FILE);
    } else {
      file = AgentConfigFile.EMPTY;
    }
    return AgentConfig.resolve(
        file,
        new Overrides(
            node,
            consul,
            tokenFile,
            prefix,
            fileSdDir,
            rulesDir,
            scrapeConfigDir,
            templates,
            reloadUrl),
        HostName::local);
  }

  /** Where the settings came from, for messages. */
  String source() {
    if (config != null) {
      return config.toString();
    }
    return Files.isRegularFile(AgentConfig.DEFAULT_CONFIG_FILE)
        ? AgentConfig.DEFAULT_CONFIG_FILE.toString()
        : "defaults";
  }
}
