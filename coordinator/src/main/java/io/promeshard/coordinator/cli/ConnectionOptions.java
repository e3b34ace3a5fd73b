package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.protocol.Defaults;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every coordinator command shares: where the config file is and how to reach Consul. */
public final class ConnectionOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Coordinator config file (default: ${DEFAULT-VALUE} when it exists).",
      defaultValue = CoordinatorConfig.DEFAULT_PATH)
  Path config;

  @Option(
      names = "--consul",
      paramLabel = "URL",
      description = "Consul HTTP address (default " + Defaults.CONSUL_ADDRESS + ").")
  String consul;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File holding the Consul ACL token.")
  Path tokenFile;

  @Option(names = "--prefix", paramLabel = "P", description = "KV prefix (default prome-shard/).")
  String prefix;

  /** The file (required only when given explicitly) with flags applied on top. */
  CoordinatorConfig load() {
    boolean explicit = !CoordinatorConfig.DEFAULT_PATH.equals(config.toString());
    return CoordinatorConfig.load(config, explicit).with(consul, tokenFile, prefix);
  }
}
