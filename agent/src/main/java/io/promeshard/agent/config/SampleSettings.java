package io.promeshard.agent.config;

import io.promeshard.protocol.Durations;
import io.promeshard.protocol.ProtocolException;
import java.time.Duration;

/**
 * {@code samples}: whether the agent measures, in its Prometheus, the samples each target of its
 * files yields per scrape and reports them under {@code reports/<node>/samples} for load-aware
 * placement, and how often (at most one measurement, and one write, per {@code interval}). On by
 * default, every 2 minutes.
 */
public record SampleSettings(boolean enabled, Duration interval) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(2);

  /** The shortest {@code interval} agent.yml may set. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  public static final SampleSettings DEFAULTS = new SampleSettings(true, DEFAULT_INTERVAL);

  /** Any positive interval (tests measure every second or two); agent.yml's floor is in File. */
  public SampleSettings {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new ProtocolException(
          "samples.interval: expected a positive duration, found " + interval);
    }
  }

  /** The {@code samples} block of agent.yml as written; every key optional. */
  public record File(Boolean enabled, Duration interval) {

    /** With defaults applied and values checked. */
    SampleSettings resolve() {
      Duration every = interval == null ? DEFAULT_INTERVAL : interval;
      if (every.compareTo(MIN_INTERVAL) < 0) {
        throw new ProtocolException(
            "samples.interval: expected at least "
                + MIN_INTERVAL.toSeconds()
                + "s, found "
                + Durations.format(every));
      }
      return new SampleSettings(enabled == null || enabled, every);
    }
  }
}
