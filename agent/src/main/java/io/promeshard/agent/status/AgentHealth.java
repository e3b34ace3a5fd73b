package io.promeshard.agent.status;

import io.promeshard.agent.apply.Stall;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ops.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The answer of {@code /healthz}: healthy while Consul answers (or has been failing for less than
 * {@code unhealthy_after}); unhealthy, with the reason and the generation whose files are kept,
 * once Consul has been unreachable longer than that, or never answered since start; unhealthy and
 * "degraded" while the apply loop keeps old files and retries because it cannot write an output
 * directory or reach Prometheus (naming the directory or URL and the error). The message also
 * carries the applied generation and the last apply error.
 */
public final class AgentHealth implements Supplier<Health> {
  private final ConsulState consul;
  private final Supplier<NodeStatus> status;
  private final Duration unhealthyAfter;
  private final Supplier<List<Stall>> stalls;

  public AgentHealth(ConsulState consul, Supplier<NodeStatus> status, Duration unhealthyAfter) {
    this(consul, status, unhealthyAfter, List::of);
  }

  /** {@code stalls}: what the apply loop is retrying by itself now. */
  public AgentHealth(
      ConsulState consul,
      Supplier<NodeStatus> status,
      Duration unhealthyAfter,
      Supplier<List<Stall>> stalls) {
    this.consul = Objects.requireNonNull(consul, "consul");
    this.status = Objects.requireNonNull(status, "status");
    this.unhealthyAfter = Objects.requireNonNull(unhealthyAfter, "unhealthyAfter");
    this.stalls = Objects.requireNonNull(stalls, "stalls");
  }

  @Override
  public Health get() {
    NodeStatus s = status.get();
    String files =
        s.appliedGeneration() > 0
            ? "generation " + s.appliedGeneration() + " applied"
            : "no generation applied yet";
    Optional<Duration> failing = consul.failingFor();
    if (failing.isPresent() && failing.get().compareTo(unhealthyAfter) >= 0) {
      return Health.failing(
          "consul unreachable for "
              + seconds(failing.get())
              + ": "
              + consul.lastError()
              + "; files kept ("
              + files
              + ")");
    }
    if (!consul.everReached() && consul.sinceStart().compareTo(unhealthyAfter) >= 0) {
      return Health.failing(
          "no reply from consul in "
              + seconds(consul.sinceStart())
              + " since start"
              + (consul.lastError().isEmpty() ? "" : ": " + consul.lastError()));
    }
    List<Stall> stalled = stalls.get();
    if (!stalled.isEmpty()) {
      Instant now = Instant.now();
      StringBuilder msg = new StringBuilder("degraded: ");
      for (Stall st : stalled) {
        msg.append(st.describe(now)).append("; ");
      }
      return Health.failing(msg.append("files kept (").append(files).append(')').toString());
    }
    StringBuilder msg = new StringBuilder(files);
    failing.ifPresent(
        d -> msg.append("; consul failing for ").append(seconds(d)).append(", retrying"));
    if (!s.lastError().isEmpty()) {
      msg.append("; last error: ").append(s.lastError().replace('\n', ' '));
    }
    return Health.ok(msg.toString());
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
