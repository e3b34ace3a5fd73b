package io.promeshard.protocol.consul;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promeshard.protocol.Defaults;
import java.nio.file.Path;

/**
 * The {@code consul:} block of the agent's and the coordinator's YAML files: address (default
 * {@code http://127.0.0.1:8500}), {@code token_file} and {@code ca_file}. Flags override fields.
 */
public record ConsulConfig(
    String address,
    @JsonProperty("token_file") Path tokenFile,
    @JsonProperty("ca_file") Path caFile) {
  public static final ConsulConfig DEFAULTS = new ConsulConfig(null, null, null);

  public ConsulConfig {
    address = address == null ? Defaults.CONSUL_ADDRESS : address;
  }

  /** A copy with non-null overrides applied. */
  public ConsulConfig with(String address, Path tokenFile) {
    return new ConsulConfig(
        address != null ? address : this.address,
        tokenFile != null ? tokenFile : this.tokenFile,
        caFile);
  }

  /**
   * Validated settings; bad values throw {@link ConsulConfigException} naming {@code
   * consul.<field>}.
   */
  public ConsulSettings settings() {
    return ConsulSettings.of(address, tokenFile, caFile);
  }
}
