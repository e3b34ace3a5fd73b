/**
 * Load: what each target costs a Prometheus server, from the samples its scrapes yield (reported by
 * the agents, {@code scrape_samples_post_metric_relabeling}). An input to sharding: {@link
 * io.promeshard.coordinator.load.LoadModel} turns observed samples into the costs items are placed
 * with, smoothed in time and changed only by a factor of at least {@code load_min_change}; targets
 * never measured cost their job's {@code weight} in the same units. Pure; the dispatcher thread
 * owns the current model.
 */
package io.promeshard.coordinator.load;
