package io.promeshard.protocol.consul;

import java.time.Duration;

/** How long to wait before retry number {@code attempt} (1-based) after a failure; never gives up. */
@FunctionalInterface
public interface RetryPolicy {
  Duration delay(int attempt);
}
