package io.promeshard.coordinator.leader;

/**
 * Told when this coordinator becomes leader and when it stops being one; called on the election
 * thread, must return quickly.
 */
public interface LeaderListener {
  /** This process now holds the leader lock; writes must carry {@code term.fence()}. */
  void onElected(LeaderTerm term);

  /**
   * The term is over (session expired, lock taken, renewal impossible, or close); stop writing at
   * once.
   */
  void onLost(String reason);
}
