/**
 * The samples per scrape each target of this node yields, measured in its Prometheus and reported
 * under {@code reports/<node>/samples} ({@link io.promeshard.protocol.SampleReport}) so the
 * coordinator can place targets by the series they bring rather than by count.
 *
 * <h2>Data flow</h2>
 *
 * <p>watch → render → apply, and beside them, on a thread of its own ("agent-samples"), every
 * {@code samples.interval} (default 2 minutes): measure ({@link
 * io.promeshard.agent.observe.PrometheusApi#targetSamples}: {@code /api/v1/targets?state=active}
 * joined to the instant query {@code scrape_samples_post_metric_relabeling} by label set; only the
 * targets of the agent's own files count) → round ({@link
 * io.promeshard.agent.samples.StableCounts}: two significant digits, a count within 5 % of what was
 * reported keeps its number) → compare with what was last written → write when anything changed,
 * bounded to 256 KiB (the targets with the most samples kept). Never on the apply loop: a slow or
 * failing Prometheus or Consul delays nothing else.
 *
 * <h2>What is left out</h2>
 *
 * <p>A target whose samples cannot be told apart keeps its configured cost at the coordinator: two
 * targets relabeled to the same label set (the one series belongs to either), a target down or not
 * scraped yet, a target dropped by relabeling (not active), a target without a series yet. They are
 * counted in the report's {@code unmeasured}.
 *
 * <h2>Failures</h2>
 *
 * <p>A measurement that fails (Prometheus down, a reply not understood) writes nothing; a write
 * Consul refuses is retried at the next interval. Each is counted in {@code
 * prome_shard_agent_sample_reports_total{result="measure_failed"|"write_failed"}} and logged at
 * WARN once, then at DEBUG until it works again.
 */
package io.promeshard.agent.samples;
