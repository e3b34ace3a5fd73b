package io.promeshard.agent.apply;

/**
 * An apply step that could not be completed (I/O, a rejected check, a path outside its directory);
 * the message names the file.
 */
public class ApplyException extends Exception {
  private static final long serialVersionUID = 1L;

  public ApplyException(String message) {
    super(message);
  }

  public ApplyException(String message, Throwable cause) {
    super(message, cause);
  }
}
