package io.promeshard.protocol.consul;

import java.io.IOException;

/**
 * A Consul reply larger than the caller allowed; its body was read to the end (to measure it) and
 * dropped, never held. {@link #bytes()} is the full size of the body, {@link #limit()} the bound.
 */
public final class ReplyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long bytes;
  private final long limit;

  public ReplyTooLargeException(String what, long bytes, long limit) {
    super(what + ": reply of " + bytes + " bytes, over the limit of " + limit + " bytes");
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
