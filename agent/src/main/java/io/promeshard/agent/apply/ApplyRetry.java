package io.promeshard.agent.apply;

import io.promeshard.protocol.lifecycle.RetryPolicy;
import io.promeshard.protocol.lifecycle.TaskThread;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries of applies that failed for a reason that passes by itself ({@link Stall.Reason}): each
 * failure schedules one retry of the latest share on the apply thread after the policy's delay
 * (growing with the failures in a row), and a reason is cleared once the step it blocked succeeds.
 * When no reason is left the count starts again and a pending retry is dropped. Confined to the
 * apply thread, except {@link #stalls()}.
 */
final class ApplyRetry {
  private static final Logger log = LoggerFactory.getLogger(ApplyRetry.class);

  private final String node;
  private final TaskThread thread;
  private final RetryPolicy policy;
  private final ApplyMetrics metrics;
  private final Runnable retry;
  private final Map<Stall.Reason, Stall> open = new EnumMap<>(Stall.Reason.class);
  private volatile List<Stall> stalls = List.of();
  private TaskThread.Handle pending;
  private int failures;

  /** {@code retry} runs on {@code thread} after each failure's delay. */
  ApplyRetry(
      String node, TaskThread thread, RetryPolicy policy, ApplyMetrics metrics, Runnable retry) {
    this.node = node;
    this.thread = Objects.requireNonNull(thread, "thread");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /** What is being retried now, oldest reason first; empty when nothing. Any thread. */
  List<Stall> stalls() {
    return stalls;
  }

  /** A step failed for {@code reason}: (re)schedules the retry with the next, longer delay. */
  void failed(Stall.Reason reason, String error) {
    failures++;
    Duration delay = policy.delay(failures);
    Stall before = open.get(reason);
    Instant since = before == null ? Instant.now() : before.since();
    int attempts = before == null ? 1 : before.attempts() + 1;
    open.put(reason, new Stall(reason, error, since, attempts, delay));
    publish();
    metrics.applyFailed(reason.label());
    log.warn(
        "[apply] {}: {} ({} in a row), keeping the files in place; retry in {} ms: {}",
        node,
        reason.summary(),
        attempts,
        delay.toMillis(),
        error);
    if (pending != null) {
      pending.cancel();
    }
    pending =
        thread.schedule(
            () -> {
              pending = null;
              retry.run();
            },
            delay);
  }

  /** The step {@code reason} blocked succeeded; when no reason is left, retries stop. */
  void cleared(Stall.Reason reason) {
    Stall was = open.remove(reason);
    if (was == null) {
      return;
    }
    log.info(
        "[apply] {}: resolved ({}) after {} attempts in {} s",
        node,
        reason.summary(),
        was.attempts(),
        Duration.between(was.since(), Instant.now()).toSeconds());
    publish();
    if (open.isEmpty()) {
      failures = 0;
      if (pending != null) {
        pending.cancel();
        pending = null;
      }
    }
  }

  /** The whole share is in place and no reload is owed: every reason is cleared. */
  void clearedAll() {
    for (Stall.Reason r : Stall.Reason.values()) {
      cleared(r);
    }
  }

  private void publish() {
    stalls = List.copyOf(open.values());
    for (Stall.Reason r : Stall.Reason.values()) {
      metrics.stalled(r.label(), open.containsKey(r));
    }
  }
}
