package io.promeshard.protocol.consul;

import io.promeshard.protocol.cli.ConfigException;

/**
 * A bad Consul setting (address, token file, CA file); the message names the setting and the bad
 * value.
 */
public class ConsulConfigException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public ConsulConfigException(String message) {
    super(message);
  }

  public ConsulConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
