package io.promeshard.bench.sharding;

import java.util.List;

/** A sharding algorithm under test: places every item of a workload on exactly one node. */
public interface Algorithm {
  String name();

  /**
   * Places {@code workload} on {@code nodes}. {@code previous} is this algorithm's own last
   * placement of the same workload (null for a fresh assignment); only stateful algorithms use it.
   */
  Placement place(Workload workload, List<String> nodes, Placement previous);
}
