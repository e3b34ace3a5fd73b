package io.promeshard.agent.render;

import io.promeshard.protocol.cli.ConfigException;

/**
 * A template that is missing, does not compile, or renders output that is invalid or unfaithful;
 * names the template.
 */
public class RenderException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public RenderException(String message) {
    super(message);
  }

  public RenderException(String message, Throwable cause) {
    super(message, cause);
  }
}
