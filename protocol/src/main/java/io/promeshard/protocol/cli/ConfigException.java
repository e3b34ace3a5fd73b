package io.promeshard.protocol.cli;

/**
 * A usage or configuration error the operator must fix (a bad setting, file or template); the
 * message names the key and the bad value. Both command lines exit 2 on it.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
