package io.promeshard.agent.observe;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a measurement found: the samples per scrape (after metric relabeling, as measured, not
 * rounded) of each target of the agent's files that could be told apart, keyed {@code
 * <job>/<address>}; and how many other targets of its files Prometheus lists ({@code unmeasured}:
 * not up, no series yet, or sharing their label set with another target).
 */
public record TargetSamples(Map<String, Long> samples, int unmeasured) {
  public TargetSamples {
    samples = Collections.unmodifiableSortedMap(new TreeMap<>(samples));
    if (unmeasured < 0) {
      throw new IllegalArgumentException("unmeasured: expected >= 0, found " + unmeasured);
    }
  }
}
