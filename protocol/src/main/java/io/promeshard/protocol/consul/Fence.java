package io.promeshard.protocol.consul;

/**
 * The lock a fenced transaction must still hold: every batch starts with {@code check-session} on
 * {@code leaderKey} for {@code sessionId}, so a deposed writer's batch is rejected. {@link #NONE}
 * writes unfenced.
 */
public record Fence(String leaderKey, String sessionId) {
  public static final Fence NONE = new Fence(null, null);

  public Fence {
    boolean none = leaderKey == null && sessionId == null;
    if (!none
        && (leaderKey == null || leaderKey.isBlank() || sessionId == null || sessionId.isBlank())) {
      throw new IllegalArgumentException(
          "fence: need both leader key and session, found " + leaderKey + ", " + sessionId);
    }
  }

  public boolean isNone() {
    return leaderKey == null;
  }

  /** The op that leads each fenced batch. */
  TxnOp check() {
    return TxnOp.checkSession(leaderKey, sessionId);
  }

  @Override
  public String toString() {
    return isNone() ? "Fence.NONE" : "Fence[" + leaderKey + " held by " + sessionId + "]";
  }
}
