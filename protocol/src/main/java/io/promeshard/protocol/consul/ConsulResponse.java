package io.promeshard.protocol.consul;

/**
 * A value read from Consul with the {@code X-Consul-Index} it came with; a negative index throws.
 */
public record ConsulResponse<T>(T value, long index) {
  public ConsulResponse {
    if (index < 0) {
      throw new IllegalArgumentException("X-Consul-Index must be >= 0, found " + index);
    }
  }
}
