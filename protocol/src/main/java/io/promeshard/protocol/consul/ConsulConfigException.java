package io.promeshard.protocol.consul;

/** A bad Consul setting (address, token file, CA file); the message names the setting and the bad value. */
public class ConsulConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConsulConfigException(String message) {
    super(message);
  }

  public ConsulConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
