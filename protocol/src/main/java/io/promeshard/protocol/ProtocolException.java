package io.promeshard.protocol;

/**
 * A KV value, key or name that breaks the contract; the message names the key and the bad field or
 * value.
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
