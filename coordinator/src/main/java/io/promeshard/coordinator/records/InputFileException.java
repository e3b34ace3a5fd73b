package io.promeshard.coordinator.records;

/**
 * The query log or expression file cannot be read (missing, a directory, unreadable): a usage
 * error, exit 2.
 */
public class InputFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InputFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
