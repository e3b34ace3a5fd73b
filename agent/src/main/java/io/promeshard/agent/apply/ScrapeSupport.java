package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the local Prometheus makes of per-job scrape settings: its version ("" when unknown) and the
 * jobs of the share whose scrape settings it cannot take (before 2.43 there is no {@code
 * scrape_config_files}); those jobs get no file at all, so nothing scrapes them.
 */
public record ScrapeSupport(String version, List<String> unsupportedJobs) {
  /** Nothing known of Prometheus, nothing left out. */
  public static final ScrapeSupport UNKNOWN = new ScrapeSupport("", List.of());

  public ScrapeSupport {
    version = version == null ? "" : version;
    unsupportedJobs = List.copyOf(unsupportedJobs);
  }

  /** The sentence for status and logs when jobs are left out, e.g. for jobs blackbox and x. */
  public Optional<String> limit() {
    if (unsupportedJobs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "per-job scrape settings need Prometheus 2.43 or later (found "
            + version
            + "): "
            + (unsupportedJobs.size() == 1 ? "job " : "jobs ")
            + String.join(", ", unsupportedJobs)
            + " not scraped");
  }

  /** The {@code prometheus} field of the status; null when nothing is known. */
  public NodeStatus.PrometheusInfo info() {
    if (version.isEmpty() && unsupportedJobs.isEmpty()) {
      return null;
    }
    return new NodeStatus.PrometheusInfo(version, limit().map(List::of).orElse(List.of()));
  }
}
