package io.promeshard.coordinator.leader;

import io.promeshard.protocol.consul.Fence;
import java.util.Objects;

/**
 * One leadership term: the Consul session holding the leader lock, the term's epoch (greater than
 * every earlier term's) and the fence every write of this term must carry. Inconsistent parts throw
 * IllegalArgumentException.
 */
public record LeaderTerm(String sessionId, long epoch, Fence fence) {
  public LeaderTerm {
    if (sessionId == null || sessionId.isBlank()) {
      throw new IllegalArgumentException("leader term: session missing");
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("leader term: epoch must be >= 1, found " + epoch);
    }
    Objects.requireNonNull(fence, "fence");
    if (fence.isNone() || !fence.sessionId().equals(sessionId)) {
      throw new IllegalArgumentException(
          "leader term: fence " + fence + " does not match session " + sessionId);
    }
  }
}
