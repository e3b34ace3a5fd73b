package io.promeshard.testkit;

/**
 * The Prometheus releases the tests run against, each the Debian package {@code scripts/fetch-deps}
 * unpacks: 2.42 (bookworm) in {@code .deps/root}, 2.53 (trixie) and 3.5 (sid) in {@code
 * .deps/prometheus-<version>/root}.
 */
public enum PrometheusVersion {
  V2_42("2.42"),
  V2_53("2.53"),
  V3_5("3.5");

  private final String label;

  PrometheusVersion(String label) {
    this.label = label;
  }

  /** The newest release fetched; scenarios run on it. */
  public static PrometheusVersion newest() {
    return V3_5;
  }

  /** The release as {@code prometheus --version} begins it, e.g. {@code "3.5"}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return "prometheus " + label;
  }
}
