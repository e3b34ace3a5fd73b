package io.promeshard.protocol;

/**
 * A value or share that decodes to more than its reader allows: {@code bytes} (at least; decoding
 * stops there) over {@code limit}. The reader keeps what it applied last.
 */
public final class TooLargeException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  private final long bytes;
  private final long limit;

  public TooLargeException(String message, long bytes, long limit) {
    super(message);
    this.bytes = bytes;
    this.limit = limit;
  }

  public long bytes() {
    return bytes;
  }

  public long limit() {
    return limit;
  }
}
