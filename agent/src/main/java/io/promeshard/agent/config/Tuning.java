package io.promeshard.agent.config;

import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Timings of the running agent that are not configuration keys: the watch's blocking wait, pacing
 * and retry policy, how often the registration is re-checked, how soon a failed status write is
 * retried, the backoff between retries of rules Prometheus rejected, and the backoff between
 * retries of an apply that could not write its files or reach Prometheus. Tests shorten them.
 */
public record Tuning(
    WatchOptions watch,
    Duration registrationCheck,
    Duration statusRetry,
    Duration rulesRetryBase,
    Duration rulesRetryCap,
    Duration outputRetryBase,
    Duration outputRetryCap) {

  public Tuning {
    Objects.requireNonNull(watch, "watch");
    for (Duration d :
        new Duration[] {
          registrationCheck,
          statusRetry,
          rulesRetryBase,
          rulesRetryCap,
          outputRetryBase,
          outputRetryCap
        }) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("tuning: durations must be positive, found " + d);
      }
    }
  }

  /**
   * Watch defaults (5 min wait, backoff 250 ms to 30 s), registration checked every 30 s, status
   * retried after 10 s, rejected rules retried after 30 s doubling to 10 min, unwritable output and
   * an unanswered reload retried after 1 s doubling to 30 s.
   */
  public static Tuning defaults() {
    return new Tuning(
        WatchOptions.defaults(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30));
  }

  public Tuning withWatch(WatchOptions newWatch) {
    return new Tuning(
        newWatch,
        registrationCheck,
        statusRetry,
        rulesRetryBase,
        rulesRetryCap,
        outputRetryBase,
        outputRetryCap);
  }

  public Tuning withRegistrationCheck(Duration every) {
    return new Tuning(
        watch, every, statusRetry, rulesRetryBase, rulesRetryCap, outputRetryBase, outputRetryCap);
  }

  public Tuning withStatusRetry(Duration after) {
    return new Tuning(
        watch,
        registrationCheck,
        after,
        rulesRetryBase,
        rulesRetryCap,
        outputRetryBase,
        outputRetryCap);
  }

  public Tuning withOutputRetry(Duration base, Duration cap) {
    return new Tuning(
        watch, registrationCheck, statusRetry, rulesRetryBase, rulesRetryCap, base, cap);
  }

  /**
   * Retries of an apply that could not write its files or reach Prometheus: base doubling to cap,
   * no jitter (one local directory and server).
   */
  public RetryPolicy outputRetry() {
    return RetryPolicy.noJitter(
        outputRetryCap.compareTo(outputRetryBase) < 0 ? outputRetryCap : outputRetryBase,
        outputRetryCap);
  }

  /**
   * Retries of rejected rules: base doubling to cap, no jitter (one local Prometheus, not a shared
   * server).
   */
  public RetryPolicy rulesRetry() {
    return RetryPolicy.noJitter(
        rulesRetryCap.compareTo(rulesRetryBase) < 0 ? rulesRetryCap : rulesRetryBase,
        rulesRetryCap);
  }
}
