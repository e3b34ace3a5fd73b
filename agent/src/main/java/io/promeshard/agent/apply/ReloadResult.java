package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one Prometheus reload: whether it was accepted, a message (the error when not),
 * and when.
 */
public record ReloadResult(boolean ok, String message, Instant at) {
  public ReloadResult {
    message = message == null ? "" : message;
    Objects.requireNonNull(at, "at");
  }

  public static ReloadResult ok(String message) {
    return new ReloadResult(true, message, Instant.now());
  }

  public static ReloadResult failed(String message) {
    return new ReloadResult(false, message, Instant.now());
  }

  /** The form reported under {@code status/<node>}. */
  public NodeStatus.Reload toStatus() {
    return new NodeStatus.Reload(at.toString(), ok, message);
  }
}
