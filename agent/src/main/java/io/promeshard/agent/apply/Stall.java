package io.promeshard.agent.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Something the apply loop is waiting out and retrying by itself, without a new generation: an
 * output directory it cannot write, a Prometheus that does not answer the reload, or a reload owed
 * after target changes that Prometheus fails. Files already in place are kept meanwhile. {@code
 * attempts} counts failed tries since {@code since}.
 */
public record Stall(Reason reason, String error, Instant since, int attempts, Duration retryIn) {

  /** Why applies are retried. */
  public enum Reason {
    /** file_sd_dir or rules_dir read-only, full or otherwise not writable. */
    OUTPUT_UNWRITABLE("cannot write output files"),
    /** Prometheus refused the connection, timed out, or was not ready for the reload. */
    PROMETHEUS_UNREACHABLE("Prometheus does not answer the reload"),
    /**
     * Prometheus answered the reload owed after target changes ({@code reload_on: always}) with an
     * error; its own configuration, not a rule of the share, is then at fault.
     */
    RELOAD_FAILED("Prometheus fails the reload after target changes");

    private final String summary;

    Reason(String summary) {
      this.summary = summary;
    }

    /** The label value in metrics, e.g. {@code output_unwritable}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public String summary() {
      return summary;
    }
  }

  public Stall {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(retryIn, "retryIn");
    error = error == null ? "" : error;
  }

  /**
   * One line for /healthz: {@code cannot write output files for 12s (4 attempts, next in 8s):
   * file_sd_dir ...}.
   */
  public String describe(Instant now) {
    return reason.summary()
        + " for "
        + Duration.between(since, now).toSeconds()
        + "s ("
        + attempts
        + (attempts == 1 ? " attempt" : " attempts")
        + ", next in "
        + Math.max(1, (retryIn.toMillis() + 999) / 1000)
        + "s): "
        + error.replace('\n', ' ');
  }
}
