package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;

/** Where the apply loop's status is published ({@code status/<node>} in Consul). */
public interface StatusSink {
  /**
   * True when {@code status} is now published (written, or unchanged since the last write); false:
   * retry later.
   */
  boolean write(NodeStatus status);

  /**
   * Makes the next write happen even if unchanged, e.g. after Consul was away and may have lost it.
   */
  void forget();
}
