package io.promeshard.coordinator.shard;

import io.promeshard.coordinator.shard.Explanation.Decision;
import java.util.Arrays;

/**
 * Records what happened between one item and each node during an assignment, for explain; when the
 * assignment needed repair passes, the last pass is what it describes.
 */
final class Trace {
  static final Trace NONE = new Trace(-1, 0);

  private final int item;
  private final Decision[] decisions;

  Trace(int item, int nodes) {
    this.item = item;
    this.decisions = new Decision[nodes];
    Arrays.fill(decisions, Decision.NOT_TRIED);
  }

  void note(int i, int node, Decision d) {
    if (i == item) {
      decisions[node] = d;
    }
  }

  /** An empty trace of the same item, for one more pass. */
  Trace fresh() {
    return item < 0 ? this : new Trace(item, decisions.length);
  }

  /** Takes over the decisions of a later pass. */
  void adopt(Trace later) {
    if (later != this) {
      System.arraycopy(later.decisions, 0, decisions, 0, decisions.length);
    }
  }

  boolean follows(int i) {
    return i == item;
  }

  Decision decision(int node) {
    return decisions[node];
  }
}
