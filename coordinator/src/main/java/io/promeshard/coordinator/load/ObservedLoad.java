package io.promeshard.coordinator.load;

import java.util.Map;

/**
 * Where the coordinator reads the samples its targets were last seen to yield: target key ({@code
 * job/address}) → samples per scrape after metric relabeling, one entry per target some agent
 * measured, from the agents' latest reports. Called on the dispatcher thread at each dispatch, so
 * implementations hand over an immutable snapshot kept up to date by their own thread, and never
 * block. An empty map means nothing is measured (every target costs its job weight).
 */
@FunctionalInterface
public interface ObservedLoad {
  /** Nothing observed: until the agents' reports are read. */
  ObservedLoad NONE = Map::of;

  Map<String, Long> samples();
}
