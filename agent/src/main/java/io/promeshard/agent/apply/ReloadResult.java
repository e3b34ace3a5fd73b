package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one Prometheus reload: whether it was accepted, whether Prometheus did not answer
 * at all ({@code unreachable}: connection refused, a timeout, not ready yet — which says nothing
 * about the rules), a message (the error when not ok), and when.
 */
public record ReloadResult(boolean ok, boolean unreachable, String message, Instant at) {
  public ReloadResult {
    message = message == null ? "" : message;
    Objects.requireNonNull(at, "at");
    if (ok && unreachable) {
      throw new IllegalArgumentException("a reload cannot be both ok and unreachable: " + message);
    }
  }

  public static ReloadResult ok(String message) {
    return new ReloadResult(true, false, message, Instant.now());
  }

  /** Prometheus answered and refused (or did not take) the reload. */
  public static ReloadResult failed(String message) {
    return new ReloadResult(false, false, message, Instant.now());
  }

  /** Prometheus did not answer; retry once it does. */
  public static ReloadResult unreachable(String message) {
    return new ReloadResult(false, true, message, Instant.now());
  }

  /** The message, saying first when Prometheus did not answer at all. */
  public String describe() {
    return unreachable ? "Prometheus did not answer: " + message : message;
  }

  /** The form reported under {@code status/<node>}. */
  public NodeStatus.Reload toStatus() {
    return new NodeStatus.Reload(at.toString(), ok, message);
  }
}
